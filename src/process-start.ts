import { readFileSync } from 'node:fs';

/**
 * When a process started, as Linux tells it: the boot and the start time in clock ticks since
 * that boot. A pid is reused once its process is gone; a pid and its start are not, so a lock
 * whose holder's pid now belongs to another process can be told from one whose holder is alive.
 * Undefined where /proc does not say (another system, a process gone).
 */
export function processStart(pid: number): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself: count from the last one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const started = fields[19]; // field 22 of stat(5): starttime
    return boot && started && /^\d+$/.test(started) ? `${boot}:${started}` : undefined;
  } catch {
    return undefined;
  }
}
