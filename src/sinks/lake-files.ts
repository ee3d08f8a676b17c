import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * The file-system calls a Security Lake folder is written with, in one place so that a test can
 * make any one of them fail (a full disk, a kill) and check what a resumed run finds.
 */
export interface LakeFiles {
  mkdir(path: string): Promise<void>;
  /** A new file holding `bytes`, on disk (fsynced) before this resolves; never an existing one. */
  create(path: string, bytes: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Makes the renames into a folder survive a power cut. */
  syncFolder(path: string): Promise<void>;
  /** Removes a file or a folder and all it holds; nothing there is not an error. */
  remove(path: string): Promise<void>;
  /** The names in a folder; none when it is not there. */
  list(path: string): Promise<string[]>;
  /** The files under a folder, as paths relative to it, at any depth. */
  filesUnder(path: string): Promise<string[]>;
  /** When a file or folder was last changed (ms), or undefined when it is gone. */
  modifiedAt(path: string): Promise<number | undefined>;
}

export const nodeLakeFiles: LakeFiles = {
  mkdir: async (path) => {
    await mkdir(path, { recursive: true });
  },
  create: async (path, bytes) => {
    const file = await open(path, 'wx', 0o644);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
  },
  rename,
  syncFolder: async (path) => {
    const folder = await open(path, 'r');
    await folder.sync().finally(() => folder.close());
  },
  remove: (path) => rm(path, { recursive: true, force: true }),
  list: (path) => readdir(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error))),
  filesUnder: async (path) => {
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => relative(path, join(entry.parentPath, entry.name)));
  },
  modifiedAt: (path) =>
    stat(path).then(
      (info) => info.mtimeMs,
      () => undefined,
    ),
};
