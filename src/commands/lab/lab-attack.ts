import { request } from 'node:http';
import { UsageError, UserError } from '../../errors.js';
import { visible } from '../../terminal/visible.js';
import { FLAGS } from '../../cmdutil/flags.js';

/**
 * The scenarios the lab can run, each one a built-in rule catches: the --attack flag's values but `all`
 * (lab/src/attacks.ts has their events; test/unit/lab-attacks.test.ts holds the two lists in step).
 */
export const ATTACK_SCENARIOS = FLAGS.attack.values.filter((name) => name !== 'all');

export interface AttackAnswer {
  scenario: string;
  summary: string;
  events: number;
  real: boolean;
  note?: string;
}

/** The scenarios `--attack` names: one, or `all` of them in turn. */
export function attackScenarios(name: string): readonly string[] {
  if (name === 'all') return ATTACK_SCENARIOS;
  if ((ATTACK_SCENARIOS as readonly string[]).includes(name)) return [name];
  throw new UsageError(`--attack: no scenario ${JSON.stringify(name)}`, `The scenarios: ${ATTACK_SCENARIOS.join(', ')}, or all.`);
}

/** Asks the lab running on 127.0.0.1:`port` to make one attack happen on its cluster. */
export async function askLabToAttack(port: number, scenario: string, signal: AbortSignal): Promise<AttackAnswer> {
  const { status, body } = await post(`http://127.0.0.1:${port}/_lab/attack/${encodeURIComponent(scenario)}`, signal);
  let answer: { message?: unknown } & Partial<AttackAnswer>;
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    throw new UserError(`what answers on 127.0.0.1:${port} is not a das-read lab (HTTP ${status})`);
  }
  if (status !== 200) throw new UserError(`the lab refused the attack ${scenario}: ${visible(String(answer.message ?? `HTTP ${status}`))}`);
  return answer as AttackAnswer;
}

/**
 * One line a scenario: what the lab did, and whether through a real PostgreSQL. Whatever listens on the port
 * wrote the answer: its words are shown as data (control characters written out), never acted on by a terminal.
 */
export function attackLine(answer: AttackAnswer): string {
  const how = answer.real === true ? 'through PostgreSQL and pgaudit' : 'simulated';
  const events = Number.isSafeInteger(answer.events) ? String(answer.events) : '?';
  const note = answer.note ? `; ${visible(String(answer.note))}` : '';
  return `${visible(String(answer.scenario))}: ${visible(String(answer.summary))} (${events} event${events === '1' ? '' : 's'}, ${how})${note}`;
}

function post(url: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', signal, headers: { 'content-length': '0' } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      incoming.on('error', reject);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        reject(
          new UserError(`no lab is running on 127.0.0.1:${new URL(url).port}`, undefined, 'Start one with `das-read lab` (and --port if it uses another).'),
        );
      } else reject(error);
    });
    outgoing.end();
  });
}
