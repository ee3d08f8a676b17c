import type { Audit } from './audit.js';
import type { Boundary, Ended } from './das-read-process.js';
import type { RssVerdict } from './rss.js';
import type { FaultKind } from './schedule.js';

export interface SoakResult {
  minutes: number;
  seed: number;
  recordsPerSecond: number;
  eventsPerRecord: number;
  records: number;
  retriedPuts: number;
  audit: Audit;
  boundaries: readonly Boundary[];
  /** Fault episodes by kind, and injector failures. */
  episodes: Map<FaultKind, number>;
  episodeFailures: string[];
  /** Answers the gateway served wrong, by "action kind". */
  served: ReadonlyMap<string, number>;
  starts: number;
  unexpectedExits: number;
  caughtUp: boolean;
  terminated: Ended;
  finalRun: Ended;
  finalRunEvents: number;
  rss: RssVerdict;
  warmUpMs: number;
  stderr: string[];
  /** The das-read no process fault touches, alive the whole run. */
  steady: { audit: Audit; rss: RssVerdict; caughtUp: boolean; terminated: Ended; starts: number; stderr: string[] };
}

const mb = (value: number) => `${value.toFixed(1)} MB`;

/** The closing report, and the invariants that failed (none: exit 0). */
export function summarize(result: SoakResult): { lines: string[]; failures: string[] } {
  const { audit, rss } = result;
  const failures: string[] = [];
  const fail = (condition: boolean, why: string) => condition || failures.push(why);
  const lines = [
    `soak: ${result.minutes} min, seed ${result.seed}, ${result.recordsPerSecond} records/s of ${result.eventsPerRecord} events`,
    `events produced ${audit.produced} (${result.records} records, ${(result.records / (result.minutes * 60)).toFixed(1)} a second; ${result.retriedPuts} puts made again)`,
    `events written ${audit.written}: distinct ${audit.distinct}, lost ${audit.lost}, repeated ${audit.repeated} (in another record, put twice: ${audit.putTwice})`,
  ];
  for (const [index, kill] of audit.kills.entries()) {
    const at = (result.boundaries[kill.boundary]?.atMs ?? 0) / 1000;
    const what =
      kill.repeated === 0
        ? 'nothing repeated'
        : `${kill.repeated} events repeated, ${kill.records} record${kill.records === 1 ? '' : 's'} of ${kill.shards.join(', ')}, ${kill.lastWritten ? 'the last events it wrote' : 'NOT the last events it wrote'}`;
    lines.push(`  kill ${index + 1} at ${at.toFixed(0)} s (${kill.detail}): ${what}`);
  }
  const repeatsBy = audit.kills.reduce((sum, kill) => sum + kill.repeated, 0);
  lines.push(
    `repeats: ${repeatsBy} across kills, ${audit.unexplained} unexplained; torn lines ${audit.torn}; unreadable lines ${audit.unreadable}; unknown ids ${audit.unknown}`,
  );
  for (const sample of audit.unexplainedSample) lines.push(`  unexplained: id ${sample.id} (${sample.eventId}) ${sample.why}`);
  if (audit.lost > 0) lines.push(`  lost ids (first ${audit.lostIds.length}): ${audit.lostIds.join(', ')}`);
  lines.push('faults injected:');
  for (const [kind, count] of result.episodes) {
    const answers = [...result.served].filter(([label]) => servedBy(kind, label)).map(([label, n]) => `${label} ${n}`);
    lines.push(`  ${kind} ×${count}${answers.length ? `: ${answers.join(', ')}` : ''}`);
  }
  for (const failure of result.episodeFailures) lines.push(`  failed to inject: ${failure}`);
  lines.push(
    `das-read: ${result.starts} runs; ${result.unexpectedExits} ended by themselves; caught up ${result.caughtUp ? 'yes' : 'NO'}; ` +
      `SIGTERM at the end: ${result.terminated.code ?? result.terminated.signal}; the --no-follow run after it: exit ${result.finalRun.code ?? result.finalRun.signal}, ${result.finalRunEvents} events`,
  );
  // The killed das-read's thirds hold processes of unlike ages (a minute old in one, four in another): reported, not judged.
  lines.push(
    `RSS of the das-read killed and restarted: ${rss.samples} samples (${rss.warmingUp} of a das-read under ${result.warmUpMs / 1000} s old left out of the thirds), ` +
      `min ${mb(rss.minMb)}, peak ${mb(rss.peakMb)}; medians by third ${mb(rss.firstThirdMb)} / ${mb(rss.middleThirdMb)} / ${mb(rss.lastThirdMb)}; last / middle ${rss.ratio.toFixed(3)} (reported: its processes are of unlike ages)`,
  );
  lines.push(result.stderr.length ? `das-read's stderr (${result.stderr.length} lines), first:` : "das-read's stderr: nothing");
  for (const line of result.stderr.slice(0, 10)) lines.push(`  ${line}`);
  const { steady } = result;
  lines.push(
    `the steady das-read (the same stream and service faults, never paused or killed): ${steady.audit.written} events written, distinct ${steady.audit.distinct}, lost ${steady.audit.lost}, ` +
      `repeated ${steady.audit.repeated} (put twice: ${steady.audit.putTwice}); ${steady.starts} run${steady.starts === 1 ? '' : 's'}; caught up ${steady.caughtUp ? 'yes' : 'NO'}; SIGTERM: ${steady.terminated.code ?? steady.terminated.signal}`,
  );
  lines.push(
    `RSS of the steady das-read: ${steady.rss.samples} samples, min ${mb(steady.rss.minMb)}, peak ${mb(steady.rss.peakMb)}; medians by third ${mb(steady.rss.firstThirdMb)} / ${mb(steady.rss.middleThirdMb)} / ${mb(steady.rss.lastThirdMb)}; ` +
      `last / middle ${steady.rss.ratio.toFixed(3)} (at most 1.10)${steady.rss.judged ? '' : '; NOT JUDGED: a run under 10 minutes'}`,
  );
  lines.push(steady.stderr.length ? `the steady das-read's stderr (${steady.stderr.length} lines), first:` : "the steady das-read's stderr: nothing");
  for (const line of steady.stderr.slice(0, 10)) lines.push(`  ${line}`);

  fail(audit.lost === 0, `${audit.lost} events lost`);
  fail(audit.unexplained === 0, `${audit.unexplained} repeats not explained by a SIGKILL`);
  fail(
    audit.kills.every((kill) => kill.repeated === 0 || (kill.lastWritten && kill.shards.length === 1)),
    'a kill repeated more than the batch in flight',
  );
  fail(audit.torn === 0, `${audit.torn} lines cut short, the next run's output appended to them`);
  fail(audit.unreadable === 0 && audit.unknown === 0, `${audit.unreadable} unreadable lines, ${audit.unknown} events never produced`);
  fail(result.episodeFailures.length === 0, `${result.episodeFailures.length} faults could not be injected`);
  fail((result.episodes.get('reshard') ?? 0) > 0, 'no reshard');
  fail(result.unexpectedExits === 0, `das-read ended by itself ${result.unexpectedExits} times`);
  fail(result.caughtUp, 'das-read did not catch up after production stopped');
  fail(result.terminated.code === 143, `SIGTERM ended das-read with ${result.terminated.code ?? result.terminated.signal}, not 143`);
  fail(result.finalRun.code === 0, `the last --no-follow run exited ${result.finalRun.code ?? result.finalRun.signal}`);
  fail(result.stderr.length === 0, `das-read wrote ${result.stderr.length} lines to stderr: a run that rides faults out is silent (cron mails any stderr)`);
  fail(steady.audit.lost === 0, `the steady das-read lost ${steady.audit.lost} events`);
  fail(
    steady.audit.repeated === steady.audit.putTwice && steady.audit.unexplained === 0,
    `the steady das-read, never killed, repeated ${steady.audit.repeated - steady.audit.putTwice} events`,
  );
  fail(
    steady.audit.torn === 0 && steady.audit.unreadable === 0 && steady.audit.unknown === 0,
    'the steady das-read wrote lines cut short, unreadable, or of events never produced',
  );
  fail(
    steady.starts === 1 && steady.caughtUp && steady.terminated.code === 143,
    `the steady das-read ran ${steady.starts} times, caught up ${steady.caughtUp ? 'yes' : 'no'}, ended ${steady.terminated.code ?? steady.terminated.signal}`,
  );
  fail(steady.stderr.length === 0, `the steady das-read wrote ${steady.stderr.length} lines to stderr`);
  fail(
    steady.rss.ok,
    `RSS grew: the steady das-read's last third's median ${mb(steady.rss.lastThirdMb)} is more than 10% over the middle third's ${mb(steady.rss.middleThirdMb)}`,
  );
  lines.push(failures.length ? `FAILED: ${failures.join('; ')}` : 'every invariant held');
  return { lines, failures };
}

function servedBy(kind: FaultKind, label: string): boolean {
  if (kind === 'kms') return label.startsWith('kms:');
  if (kind === 'expired-iterator') return label.endsWith(' expired-iterator');
  if (kind === 'throttle') return label.startsWith('kinesis:') && !label.endsWith(' expired-iterator');
  return false;
}
