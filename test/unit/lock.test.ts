import { chmod, chown, mkdir, readFile, rename, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode, UserError } from '../../src/errors.js';
import { acquireLock, judgeLock, LockLostError, type Holder, type LockOwner } from '../../src/checkpoint/lock.js';
import { waitFor } from '../helpers/wait-for.js';
import { processStart } from '../../src/process-start.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const HOST = hostname();
const HOUR = 3_600_000;
let dir: string;
beforeAll(async () => {
  dir = await scratchDir('das-read-lock-');
});
let checkpoints = 0;
const checkpoint = () => join(dir, `c${++checkpoints}.json`);
const owner = (pid: number, alive: (pid: number) => boolean = () => false): LockOwner => ({ pid, uid: 0, isAlive: alive });
/** A lock as another run left it, last touched `ageMs` ago. */
async function plantLock(path: string, holder: Holder | string, ageMs = 0): Promise<void> {
  await writeFile(`${path}.lock`, typeof holder === 'string' ? holder : JSON.stringify(holder), { mode: 0o600 });
  const when = new Date(Date.now() - ageMs);
  await utimes(`${path}.lock`, when, when);
}
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as UserError,
  );

describe('judgeLock: whether a lock found in place may be taken', () => {
  const alive = () => true;
  const dead = () => false;
  const holder = (host = HOST): Holder => ({ pid: 77, host, since: '2026-12-01T00:00:00.000Z' });
  it('a holder alive on this host keeps it whatever its age; a dead one loses it at once', () => {
    for (const age of [0, 31_000, 24 * HOUR, Number.MAX_SAFE_INTEGER]) {
      expect(judgeLock(holder(), age, HOST, alive)).toBe('busy');
      expect(judgeLock(holder(), age, HOST, dead)).toBe('take');
    }
  });
  it('a live pid that started at another time is no holder: its number was reused, and the lock is taken at once', () => {
    const startedAt = (pid: number, started?: string) => started === undefined || started === `boot:${pid}`;
    expect(judgeLock({ ...holder(), started: 'boot:77' }, 0, HOST, startedAt)).toBe('busy');
    expect(judgeLock({ ...holder(), started: 'boot:1' }, 0, HOST, startedAt)).toBe('take');
    expect(judgeLock(holder(), 24 * HOUR, HOST, startedAt)).toBe('busy');
  });
  it("another host's lock, and one not yet written, are stale once untouched past the stale time", () => {
    expect(judgeLock(holder('elsewhere'), 29_000, HOST, dead)).toBe('busy');
    expect(judgeLock(holder('elsewhere'), 31_000, HOST, alive)).toBe('take');
    expect(judgeLock(undefined, 1_000, HOST, alive)).toBe('starting');
    expect(judgeLock(undefined, 31_000, HOST, alive)).toBe('take');
    expect(judgeLock(holder('elsewhere'), 2_000, HOST, dead, 1_000)).toBe('take');
  });
});

describe('acquireLock', () => {
  it('never takes over a lock whose holder is alive on this host, however long untouched (a stopped process)', async () => {
    const path = checkpoint();
    await plantLock(path, { pid: 77, host: HOST, since: '2026-12-01T00:00:00.000Z' }, 2 * HOUR);
    const error = await caught(
      acquireLock(
        path,
        owner(1, (pid) => pid === 77),
      ),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toContain('another das-read (pid 77 on');
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8'))).toMatchObject({ pid: 77 });
  });

  it("takes over at once a lock whose holder is dead on this host, and another host's once stale by its clock", async () => {
    const path = checkpoint();
    await plantLock(path, { pid: 77, host: HOST, since: 'x' });
    const lock = await acquireLock(path, owner(1));
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8'))).toMatchObject({ pid: 1, host: HOST });
    await lock.release();
    await expect(stat(`${path}.lock`)).rejects.toThrow(/ENOENT/);

    const other = checkpoint();
    await plantLock(other, { pid: 77, host: 'another-host', since: 'x' });
    expect((await caught(acquireLock(other, owner(1))))?.message).toContain('pid 77 on another-host');
    // The clock, not the file, moves: 31 s later the silent holder is taken as gone.
    const later = await acquireLock(other, owner(1), { now: () => Date.now() + 31_000 });
    await later.release();
  });

  it('the holder confirms it still holds the lock; replaced or removed, it stops with exit 2', async () => {
    const path = checkpoint();
    const lock = await acquireLock(path, owner(1));
    await lock.confirm();
    // Another run's lock, renamed into place as an atomic writer would, with our very content.
    const mine = await readFile(`${path}.lock`, 'utf8');
    await writeFile(`${path}.other`, mine, { mode: 0o600 });
    await rename(`${path}.other`, `${path}.lock`);
    const error = await caught(lock.confirm());
    expect(error?.exitCode).toBe(ExitCode.usage);
    expect(error?.message).toContain(`stopping: the lock ${path}.lock is no longer this run's`);
    // Its release leaves the other run's lock alone.
    await lock.release();
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(mine);

    const gone = checkpoint();
    const held = await acquireLock(gone, owner(1));
    await rename(`${gone}.lock`, `${gone}.moved`);
    expect((await caught(held.confirm()))?.message).toContain('(it is gone)');
    await held.release();
  });

  it("a lock taken over from us while we were stopped (another host's rule) makes us stop, naming its new holder", async () => {
    const path = checkpoint();
    const first = await acquireLock(path, owner(1), { host: 'host-a' });
    const second = await acquireLock(path, owner(2), { host: 'host-b', now: () => Date.now() + 60_000 });
    expect((await caught(first.confirm()))?.message).toContain("it is now pid 2's on host-b");
    await second.confirm();
    await first.release();
    await second.release();
  });

  it("is made exclusively: never through a planted link, nor over another user's file", async () => {
    const path = checkpoint();
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious\n');
    await symlink(victim, `${path}.lock`);
    const error = await caught(acquireLock(path, owner(1)));
    expect(error?.exitCode).toBe(ExitCode.usage);
    expect(error?.message).toContain('is a symbolic link');
    expect(await readFile(victim, 'utf8')).toBe('precious\n');

    const sticky = join(dir, 'sticky');
    await mkdir(sticky);
    await chmod(sticky, 0o1777);
    const theirs = join(sticky, 'prod.json');
    await plantLock(theirs, { pid: 77, host: HOST, since: 'x' });
    await chown(`${theirs}.lock`, 65534, 65534);
    const refused = await caught(acquireLock(theirs, owner(1)));
    expect(refused?.exitCode).toBe(ExitCode.usage);
    expect(refused?.message).toContain('belongs to another user (uid 65534)');
  });

  it('refuses a folder others can write without the sticky bit', async () => {
    const open = join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    const error = await caught(acquireLock(join(open, 'prod.json'), owner(1)));
    expect(error?.exitCode).toBe(ExitCode.usage);
    expect(error?.message).toContain(`its folder ${open} can be written by`);
  });
});

describe('processStart: what tells a live holder from a reused pid', () => {
  it('is the same for the same process, and differs between two processes', () => {
    expect(processStart(process.pid)).toMatch(/^[0-9a-f-]+:\d+$/);
    expect(processStart(process.pid)).toBe(processStart(process.pid));
    expect(processStart(1)).not.toBe(processStart(process.pid));
  });
  it('says nothing of a process that is gone', () => {
    expect(processStart(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('acquireLock: whose lock it is, by the clock it is given and the processes it is told of', () => {
  const holderAt = (started?: string): Holder => ({ pid: 77, host: HOST, since: '2026-12-01T00:00:00.000Z', ...(started ? { started } : {}) });
  /** pid 77 is alive, started at `boot:77`: a lock naming another start names a process that is gone. */
  const seventySeven = (pid: number): LockOwner => ({
    pid,
    uid: 0,
    started: `boot:${pid}`,
    isAlive: (alive, started) => alive === 77 && (started === undefined || started === 'boot:77'),
  });

  it("a live pid that started at another time is a reused number: its lock is taken at once, and the new one names this run's start", async () => {
    const path = checkpoint();
    await plantLock(path, holderAt('boot:1'));
    const lock = await acquireLock(path, seventySeven(5));
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8'))).toMatchObject({ pid: 5, host: HOST, started: 'boot:5' });
    await lock.release();

    const kept = checkpoint();
    await plantLock(kept, holderAt('boot:77'), 2 * HOUR);
    const error = await caught(acquireLock(kept, seventySeven(5)));
    expect(error?.message).toContain('another das-read (pid 77 on');
    expect(error?.hint).toContain('never taken over, however long it has been stopped');
  });

  it('a lock of an earlier version (no start) whose pid is alive is kept, and the hint says how to remove it if that pid is not das-read', async () => {
    const path = checkpoint();
    await plantLock(path, holderAt());
    const error = await caught(acquireLock(path, seventySeven(5)));
    expect(error?.hint).toContain(`if pid 77 is not das-read, remove ${path}.lock`);
  });

  it('a lock not yet written (its maker is between create and write) is left alone while young, and taken once stale by the clock', async () => {
    const path = checkpoint();
    await plantLock(path, '');
    const error = await caught(acquireLock(path, owner(1)));
    expect(error?.message).toBe(`another das-read is starting on the checkpoint ${path}`);
    expect(error?.hint).toContain('expires on its own 30 s after it was made');
    expect(await readFile(`${path}.lock`, 'utf8')).toBe('');
    const lock = await acquireLock(path, owner(1), { now: () => Date.now() + 31_000 });
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8'))).toMatchObject({ pid: 1 });
    await lock.release();
  });

  it("another host's lock is stale only past the stale time its clock is given, counted from its last refresh", async () => {
    const path = checkpoint();
    await plantLock(path, { pid: 77, host: 'elsewhere', since: 'x' }, 10_000);
    expect((await caught(acquireLock(path, owner(1), { staleMs: 60_000, now: () => Date.now() + 45_000 })))?.message).toContain('pid 77 on elsewhere');
    const lock = await acquireLock(path, owner(1), { staleMs: 60_000, now: () => Date.now() + 51_000 });
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8'))).toMatchObject({ pid: 1 });
    await lock.release();
  });

  it('its holder touches it every refresh, through its own file: another host sees it alive however long the run lasts', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const path = checkpoint();
      const lock = await acquireLock(path, owner(1), { refreshMs: 5_000 });
      const old = new Date(Date.now() - HOUR);
      await utimes(`${path}.lock`, old, old);
      vi.advanceTimersByTime(4_999);
      expect((await stat(`${path}.lock`)).mtimeMs).toBeLessThan(old.getTime() + 1_000);
      vi.advanceTimersByTime(1);
      await waitFor(async () => (await stat(`${path}.lock`)).mtimeMs > old.getTime() + HOUR / 2, { what: 'the refresh to touch the lock', timeoutMs: 5_000 });
      await lock.release();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('LockLostError is a usage error (exit 2) that says nothing is lost, and confirm throws it', async () => {
    const path = checkpoint();
    const lock = await acquireLock(path, owner(1));
    await unlink(`${path}.lock`);
    const error = await caught(lock.confirm());
    expect(error).toBeInstanceOf(LockLostError);
    expect(error?.exitCode).toBe(ExitCode.usage);
    expect(error?.hint).toContain('none is lost');
    await lock.release();
  });
});
