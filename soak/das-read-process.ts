import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where one run of das-read ended and the next began, in bytes of the output file. */
export interface Boundary {
  /** sigkill: killed by the soak, a repeat of the batch in flight allowed; exit: ended on its own; sigterm: stopped cleanly. */
  kind: 'sigkill' | 'exit' | 'sigterm';
  offset: number;
  atMs: number;
  detail: string;
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DasReadProcessOptions {
  nodePath: string;
  bin: string;
  /** das-read's arguments, the same for every start, as cron or a service manager gives them. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Appended to, as `>> out.ndjson` does. */
  outPath: string;
  /** Each run's stderr goes to a file of its own here. */
  logDir: string;
  now: () => number;
  log: (line: string) => void;
}

/** Stops restarting a das-read that keeps ending by itself: the soak has failed by then. */
const MAX_UNEXPECTED_EXITS = 5;

/**
 * das-read following the stream as a service would run it: the same command again after it
 * is killed or ends. Knows where in the output each run began, which the audit needs.
 */
export class DasReadProcess {
  readonly boundaries: Boundary[] = [];
  readonly unexpectedExits: Array<Ended & { atMs: number }> = [];
  /** Each run's stderr file, in order. */
  readonly stderrFiles: string[] = [];
  #child: ChildProcess | undefined;
  #ended: Promise<Ended> = Promise.resolve({ code: 0, signal: null });
  #startedAtMs = 0;
  #closing = false;
  #oneShot: ChildProcess | undefined;

  constructor(private readonly options: DasReadProcessOptions) {}

  /** The running das-read, for the RSS sampler. */
  current(): { pid: number; startedAtMs: number } | undefined {
    const child = this.#child;
    return child?.pid !== undefined && child.exitCode === null && child.signalCode === null ? { pid: child.pid, startedAtMs: this.#startedAtMs } : undefined;
  }

  start(extraArgs: string[] = []): Promise<Ended> {
    const { options } = this;
    const stderrPath = join(options.logDir, `das-read-${this.stderrFiles.length + 1}.stderr`);
    this.stderrFiles.push(stderrPath);
    const out = openSync(options.outPath, 'a');
    const err = openSync(stderrPath, 'a');
    let child: ChildProcess;
    try {
      // A process group of its own: the soak's Ctrl-C is the soak's to pass on, and a stopped das-read
      // left orphaned is sent SIGHUP and SIGCONT by the kernel.
      child = spawn(options.nodePath, [options.bin, ...options.args, ...extraArgs], { env: options.env, stdio: ['ignore', out, err], detached: true });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    this.#child = child;
    this.#startedAtMs = options.now();
    this.#ended = new Promise<Ended>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.#ended.then((ended) => this.#endedAlone(child, ended));
    return this.#ended;
  }

  /** SIGKILL, then the same command again after `restartAfterMs`. */
  async kill(restartAfterMs: number): Promise<string> {
    const child = this.#expectEnd();
    if (!child) return 'no das-read running';
    child.kill('SIGKILL');
    await this.#ended;
    this.#boundary('sigkill', `pid ${child.pid}`);
    await new Promise((resolve) => setTimeout(resolve, restartAfterMs));
    if (!this.#closing) this.start();
    return `SIGKILL pid ${child.pid}; the same command again after ${(restartAfterMs / 1000).toFixed(1)} s`;
  }

  /** SIGSTOP, then SIGCONT after `ms`. */
  async pause(ms: number): Promise<string> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return 'no das-read running';
    child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, ms));
    child.kill('SIGCONT');
    return `SIGSTOP pid ${child.pid}, SIGCONT ${(ms / 1000).toFixed(1)} s later`;
  }

  /** SIGTERM: the clean stop; resolves with how it ended (143 expected). */
  async terminate(): Promise<Ended> {
    const child = this.#expectEnd();
    if (!child) return { code: null, signal: null };
    child.kill('SIGTERM');
    const ended = await this.#ended;
    this.#boundary('sigterm', `pid ${child.pid} ended ${ended.code ?? ended.signal}`);
    return ended;
  }

  /** One more run that ends by itself (`--no-follow`), after the follower was stopped: no restarts after it. */
  runOnce(extraArgs: string[]): Promise<Ended> {
    this.#closing = true;
    const ended = this.start(extraArgs);
    // Not the follower: its end is expected.
    this.#oneShot = this.#child;
    this.#child = undefined;
    return ended;
  }

  /** Ends whatever runs, without a trace in the output's boundaries: the soak is over or failed. */
  async dispose(): Promise<void> {
    this.#closing = true;
    const child = this.#expectEnd() ?? (this.#oneShot?.exitCode === null && this.#oneShot.signalCode === null ? this.#oneShot : undefined);
    if (!child) return;
    const ended = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await ended;
  }

  #expectEnd(): ChildProcess | undefined {
    const child = this.#child;
    this.#child = undefined;
    return child && child.exitCode === null && child.signalCode === null ? child : undefined;
  }

  #endedAlone(child: ChildProcess, ended: Ended): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.unexpectedExits.push({ ...ended, atMs: this.options.now() });
    this.#boundary('exit', `pid ${child.pid} ended by itself: ${ended.code ?? ended.signal}`);
    this.options.log(`das-read (pid ${child.pid}) ended by itself: ${ended.code ?? ended.signal}; see ${this.stderrFiles.at(-1)}`);
    if (!this.#closing && this.unexpectedExits.length < MAX_UNEXPECTED_EXITS) setTimeout(() => this.#closing || this.#child || this.start(), 2_000);
  }

  #boundary(kind: Boundary['kind'], detail: string): void {
    this.boundaries.push({ kind, offset: statSync(this.options.outPath).size, atMs: this.options.now(), detail });
  }
}
