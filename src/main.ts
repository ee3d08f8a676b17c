import { fstatSync, fsync, ftruncate, readFileSync, readlinkSync } from 'node:fs';
import type { StdoutTarget } from './terminal/io.js';
import { run } from './cli/run.js';
import { processStart } from './process-start.js';
import { tuneGarbageCollection } from './v8-settings.js';

// The one file that touches the process: it builds the IO object, wires signals, sets the exit code.

const nodeMajor = Number(process.versions.node.split('.')[0]);
// The SDK's own multi-line notice would appear on every run, cron's too; run() says it in one
// line, and only to someone watching.
const pastEndOfLife = nodeMajor < 22;
if (pastEndOfLife) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

tuneGarbageCollection();
const controller = new AbortController();
const started = processStart(process.pid);
// First signal: stop reading, write what is decoded, exit 130/143. A second one kills at once.
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => controller.abort(name));
}
// Whoever read the output left (`das-read lab 2>&1 | head`) where no command is writing through a writer
// of its own (a read's says so itself, and ends as it should): an error thrown here would end the process
// before what it started is stopped (the lab's PostgreSQL and pgbench). Stop as SIGTERM does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' && stream.listenerCount('error') === 1) controller.abort('SIGTERM');
  });
}

/** What fd 1 is: a file (synced, and cut back after a full disk), a pipe, or closed by the shell. */
function stdoutTarget(): StdoutTarget | undefined {
  let stats;
  try {
    // BigInt stats: on Node 20 a plain fstatSync leaves the ESM resolver taking symlinks for files
    // (node_modules/das-read-lab stays unresolved), so the lab loads a second copy of das-read.
    stats = fstatSync(1, { bigint: true });
  } catch {
    return undefined;
  }
  if (stats.isFIFO()) return { kind: 'pipe' };
  if (stats.isSocket()) return { kind: 'socket' };
  const path = fdPath();
  if (stats.isFile()) {
    return {
      kind: 'file',
      path: path ?? 'stdout',
      size: () => Number(fstatSync(1, { bigint: true }).size),
      truncate: (length) => new Promise<void>((resolve, reject) => ftruncate(1, length, (error) => (error ? reject(error) : resolve()))),
      sync: () => new Promise<void>((resolve, reject) => fsync(1, (error) => (error ? reject(error) : resolve()))),
    };
  }
  // `>&-`: Node gives a closed fd 1 to /dev/null, opened read-write, where `> /dev/null` opens it write-only.
  if (stats.isCharacterDevice() && path === '/dev/null' && fdAccessMode() === 2) return { kind: 'closed' };
  return undefined;
}

function fdPath(): string | undefined {
  try {
    return readlinkSync('/proc/self/fd/1');
  } catch {
    return undefined;
  }
}

function fdAccessMode(): number | undefined {
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1];
    return flags === undefined ? undefined : Number.parseInt(flags, 8) & 3;
  } catch {
    return undefined;
  }
}

const target = stdoutTarget();

const exitCode = await run(
  process.argv.slice(2),
  {
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(process.stdout.isTTY && process.stdout.columns ? { stdoutColumns: process.stdout.columns } : {}),
    env: process.env,
    ...(target ? { stdoutTarget: target } : {}),
  },
  {
    signal: controller.signal,
    nodePath: process.execPath,
    ...(pastEndOfLife ? { nodePastEndOfLife: process.versions.node } : {}),
    lockOwner: {
      pid: process.pid,
      ...(process.geteuid ? { uid: process.geteuid() } : {}),
      ...(started ? { started } : {}),
      isAlive: (pid, since) => {
        try {
          process.kill(pid, 0);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
        }
        // Alive, but perhaps another process under a reused pid: its start says.
        const now = since === undefined ? undefined : processStart(pid);
        return now === undefined || now === since;
      },
    },
  },
);
process.exitCode = exitCode;
// Stopped by a signal: what counts as written is saved; a consumer that reads nothing must not hold the exit.
if (controller.signal.aborted) process.exit(exitCode);
// Nothing should keep the loop alive now; if something does, a cron job must not hang on it.
setTimeout(() => process.exit(exitCode), 2_000).unref();
