// "A user's first connection from a source not seen before": the one built-in rule Sigma cannot say, written in code.
import { isIPv4 } from 'node:net';
import { parseDasInstant } from '../events/das-time.js';
import { isServiceUser } from '../events/filter.js';
import { isFailure } from '../events/outcome.js';
import type { EventView } from './event-view.js';
import { eventTimeText, type RuleSummary } from './finding.js';
import type { EventRule } from './rule.js';

/** How much of the stream's own time the rule watches before it reports: a day of sources is the least it can know. */
export const LEARNING_MS = 24 * 60 * 60 * 1000;
/** Pairs of user and source it remembers; past it, the oldest is forgotten (and may be reported again when it returns). */
export const MAX_PAIRS = 50_000;

export const NEW_SOURCE_SUMMARY: RuleSummary = {
  id: '2e17bf6d-613f-4330-a4bc-6cbca8b9e42c',
  title: 'Database user connected from a source not seen before',
  level: 'low',
  description:
    'A successful login of a database user from a client address it has not logged in from since the rule started watching. ' +
    'It reports only once it has watched a day of the stream (by the events\u2019 own time): before that every source is new. ' +
    'A das-read built-in in code, not Sigma: Sigma has no "not seen before".',
  tags: ['attack.initial_access', 'attack.t1078', 'attack.persistence'],
  engines: [],
  source: 'builtin/new-source (code)',
  correlation: false,
};

const LOGINS = new Set(['CONNECT', 'LOGON', 'LOGIN SUCCEEDED']);

interface Memory {
  seen: Set<string>;
  firstMs: number;
}

/**
 * What the rule has seen belongs to the detector that runs it, as a correlation's windows do: each detector reads
 * events through a view of its own, so the memory is keyed by that view (a rule set loaded once and run by two
 * detectors learns twice). It is not in the detector's exported state: a Lambda learns again after a cold start
 * (and stays quiet for its first day) rather than carry up to 50,000 pairs in a tumbling window's 1 MB.
 */
export function newSourceRule(): EventRule {
  const memories = new WeakMap<EventView, Memory>();
  return {
    kind: 'event',
    summary: NEW_SOURCE_SUMMARY,
    name: 'das_read_new_source',
    engine: undefined,
    matches(view: EventView): boolean {
      const { event } = view;
      if (typeof event.command !== 'string' || !LOGINS.has(event.command.toUpperCase()) || isFailure(event) || isServiceUser(event)) return false;
      const user = event.dbUserName;
      const host = event.remoteHost;
      if (typeof user !== 'string' || user === '' || typeof host !== 'string' || host === '') return false;
      // An IPv4 client seen through an IPv6 socket (::ffff:10.0.0.1) is that IPv4 address, not a new source.
      const source = host.toLowerCase().startsWith('::ffff:') && isIPv4(host.slice(7)) ? host.slice(7) : host;
      const at = parseDasInstant(eventTimeText(event))?.moment.getTime();
      if (at === undefined) return false;
      let memory = memories.get(view);
      if (!memory) memories.set(view, (memory = { seen: new Set(), firstMs: at }));
      const pair = `${user}\u0000${source}`;
      if (memory.seen.has(pair)) return false;
      if (memory.seen.size >= MAX_PAIRS) memory.seen.delete(memory.seen.values().next().value as string);
      memory.seen.add(pair);
      return at - memory.firstMs >= LEARNING_MS;
    },
  };
}
