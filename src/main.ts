import { fstatSync, fsync } from 'node:fs';
import { run } from './cli/run.js';
import { tuneGarbageCollection } from './v8-settings.js';

// The one file that touches the process: it builds the IO object, wires signals, sets the exit code.

const nodeMajor = Number(process.versions.node.split('.')[0]);
// The SDK's own multi-line notice would appear on every run, cron's too; run() says it in one
// line, and only to someone watching.
const pastEndOfLife = nodeMajor < 22;
if (pastEndOfLife) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

tuneGarbageCollection();
const controller = new AbortController();
// First signal: stop reading, write what is decoded, exit 130/143. A second one kills at once.
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => controller.abort(name));
}

// `>> audit.ndjson`: the checkpoint may only move once the events are on disk, not just in the page cache.
const stdoutIsFile = (() => {
  try {
    return fstatSync(1).isFile();
  } catch {
    return false;
  }
})();

const exitCode = await run(
  process.argv.slice(2),
  {
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    ...(stdoutIsFile ? { syncStdout: () => new Promise<void>((resolve, reject) => fsync(1, (error) => (error ? reject(error) : resolve()))) } : {}),
  },
  {
    signal: controller.signal,
    nodePath: process.execPath,
    ...(pastEndOfLife ? { nodePastEndOfLife: process.versions.node } : {}),
    lockOwner: {
      pid: process.pid,
      isAlive: (pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch (error) {
          return (error as NodeJS.ErrnoException).code === 'EPERM';
        }
      },
    },
  },
);
process.exitCode = exitCode;
// Nothing should keep the loop alive now; if something does, a cron job must not hang on it.
setTimeout(() => process.exit(exitCode), 2_000).unref();
