import { UserError } from './errors.js';

/** The system errors a user can act on, in words; an error they name is theirs to fix, not a bug. */
const WORDS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large (a file size limit, such as ulimit -f)',
  EIO: 'input/output error on the device',
  // Ours: the device took only part of a write and said nothing; a full disk, as a rule.
  ESHORTWRITE: 'the device took only part of the write (is it full?)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  // A link that leads back to itself, or a chain longer than the system follows.
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  // A socket, or a device with nothing behind it.
  ENXIO: 'no such device or address',
  EMFILE: 'too many open files',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
};

/** The device errors after which a file may hold part of what was written. */
export const DEVICE_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'ESHORTWRITE']);

export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `cannot <doing>: <what the system said> (<CODE>)`, or undefined for an error that is no system's. */
export function explainSystemError(error: unknown, doing: string, hint?: string): UserError | undefined {
  const code = errorCode(error);
  const words = code === undefined ? undefined : WORDS[code];
  if (code === undefined || words === undefined) return undefined;
  return new UserError(`cannot ${doing}: ${words} (${code})`, undefined, hint, { cause: error });
}

/** As explainSystemError, and any other error unchanged. */
export function withSystemWords(error: unknown, doing: string, hint?: string): unknown {
  return explainSystemError(error, doing, hint) ?? error;
}
