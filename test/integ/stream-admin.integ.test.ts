import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ExitCode } from '../../src/errors.js';
import { memoryIO } from '../helpers/memory-io.js';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

let lab: TestLab;
let key: string;
beforeAll(async () => {
  lab = await startTestLab({ transitionMs: 300 });
  key = lab.kms.createKey('das').keyId;
  lab.kms.createAlias('alias/das-admin', key);
});
afterAll(async () => {
  await lab?.close();
});

async function das(args: string[], io = memoryIO()) {
  const code = await run([...args, '--endpoint-url', lab.endpoint], io, { nodePath: process.execPath });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}
const streams = async () => (await lab.clients.kinesis.send(new ListStreamsCommand({}))).StreamNames ?? [];

describe('das-read status / start / stop', () => {
  it('start --wait goes through starting to started, creating the Kinesis stream; status shows it; stop --yes --wait deletes it', async () => {
    const cluster = lab.rds.addDatabase('cluster', 'admin-pg', 'aurora-postgresql', '15.4');
    const before = await das(['status', '--cluster', 'admin-pg']);
    expect(before.stdout).toContain('activity stream            stopped');

    const started = await das(['start', '--cluster', 'admin-pg', '--kms-key', 'alias/das-admin', '--apply-immediately', '--wait']);
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('activity stream of cluster admin-pg: starting, mode async');
    expect(started.stdout).toContain('activity stream            started (async)');
    expect(await streams()).toContain(`aws-rds-das-${cluster.resourceId}`);

    const json = JSON.parse((await das(['status', '--cluster', 'admin-pg', '-o', 'json'])).stdout) as Record<string, unknown>;
    expect(json).toEqual({
      kind: 'cluster',
      identifier: 'admin-pg',
      engine: 'aurora-postgresql',
      resourceId: cluster.resourceId,
      status: 'started',
      mode: 'async',
      kinesisStreamName: `aws-rds-das-${cluster.resourceId}`,
      kmsKeyId: `arn:aws:kms:us-east-1:000000000000:key/${key}`,
    });

    const stopped = await das(['stop', '--cluster', 'admin-pg', '--apply-immediately', '--yes', '--wait']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('activity stream            stopped');
    expect(await streams()).not.toContain(`aws-rds-das-${cluster.resourceId}`);

    // Stopped already: said so, exit 0, with or without --yes (nothing is deleted).
    for (const again of [['--yes'], []]) {
      const twice = await das(['stop', '--cluster', 'admin-pg', ...again]);
      expect(twice.code, twice.stderr).toBe(0);
      expect(twice.stdout).toBe('activity stream of cluster admin-pg: already stopped\n');
      expect(twice.stderr).toBe('');
    }
  });

  it('sync mode on the engines that stream asynchronously only is refused before RDS is asked', async () => {
    lab.rds.addDatabase('cluster', 'admin-mysql', 'aurora-mysql', '8.0');
    lab.rds.addDatabase('instance', 'admin-ora', 'oracle-ee', '19');
    lab.rds.addDatabase('instance', 'admin-mss', 'sqlserver-ee', '15');
    for (const args of [
      ['--cluster', 'admin-mysql'],
      ['--instance', 'admin-ora'],
      ['--instance', 'admin-mss'],
    ]) {
      const result = await das(['start', ...args, '--kms-key', 'alias/das-admin', '--mode', 'sync']);
      expect(result.code).toBe(ExitCode.usage);
      expect(result.stderr).toMatch(/streams activity asynchronously only; .* cannot use --mode sync/);
    }
  });

  it('engine-native audit fields: for Oracle and SQL Server, shown by status; refused elsewhere', async () => {
    const refused = await das(['start', '--cluster', 'admin-mysql', '--kms-key', 'alias/das-admin', '--engine-native-audit-fields']);
    expect(refused.code).toBe(ExitCode.usage);
    expect(refused.stderr).toContain('--engine-native-audit-fields is for RDS for Oracle and SQL Server');
    const oracle = await das(['start', '--instance', 'admin-ora', '--kms-key', 'alias/das-admin', '--engine-native-audit-fields', '--wait']);
    expect(oracle.code).toBe(0);
    const status = await das(['status', '--instance', 'admin-ora']);
    expect(status.stdout).toContain('engine-native audit fields included');
    expect(status.stdout).toContain('policy                     locked');
  });

  it("RDS's own refusals come through clearly: the default RDS key, a key that does not exist, a stream already started", async () => {
    lab.rds.addDatabase('cluster', 'admin-refusals', 'aurora-postgresql', '15.4');
    const defaultKey = await das(['start', '--cluster', 'admin-refusals', '--kms-key', 'alias/aws/rds']);
    expect(defaultKey.code).toBe(ExitCode.runtime);
    expect(defaultKey.stderr).toContain(
      'das-read: error: rds:StartActivityStream on cluster admin-refusals was refused: InvalidParameterValue: The default AWS managed key',
    );
    expect(defaultKey.stderr).not.toContain('bug');
    const missing = await das(['start', '--cluster', 'admin-refusals', '--kms-key', 'alias/nothing-here']);
    expect(missing.stderr).toContain('does not exist or is not accessible');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    await das(['start', '--cluster', 'admin-refusals', '--kms-key', 'alias/das-admin', '--wait']);
    const again = await das(['start', '--cluster', 'admin-refusals', '--kms-key', 'alias/das-admin']);
    expect(again.code).toBe(ExitCode.runtime);
    expect(again.stderr).toContain('is already started');
  });

  it('--wait gives up after --wait-timeout with a message that says what to check', async () => {
    lab.rds.addDatabase('cluster', 'admin-slow', 'aurora-postgresql', '15.4');
    const slowLab = lab.rds as unknown as { options: { transitionMs: number } };
    const usual = slowLab.options.transitionMs;
    slowLab.options.transitionMs = 5_000;
    try {
      const result = await das(['start', '--cluster', 'admin-slow', '--kms-key', 'alias/das-admin', '--wait', '--wait-timeout', '1s']);
      expect(result.code).toBe(ExitCode.runtime);
      expect(result.stderr).toContain('the activity stream of cluster admin-slow is still starting after 1 s');
      expect(result.stderr).toContain('das-read status --cluster admin-slow');
    } finally {
      slowLab.options.transitionMs = usual;
    }
  });

  it('stop asks on a terminal, and a no keeps the stream; without a terminal it needs --yes', async () => {
    lab.rds.addDatabase('cluster', 'admin-confirm', 'aurora-postgresql', '15.4');
    await das(['start', '--cluster', 'admin-confirm', '--kms-key', 'alias/das-admin', '--wait']);
    const declined = await das(['stop', '--cluster', 'admin-confirm'], memoryIO({ tty: true, input: 'n\n' }));
    expect(declined.code).toBe(0);
    expect(declined.stderr).toContain('This deletes aws-rds-das-');
    expect(declined.stderr).toContain('das-read: not stopped');
    const scripted = await das(['stop', '--cluster', 'admin-confirm']);
    expect(scripted.code).toBe(ExitCode.usage);
    expect(scripted.stderr).toContain('confirm with --yes');
    expect((await das(['status', '--cluster', 'admin-confirm'])).stdout).toContain('started');
    const confirmed = await das(['stop', '--cluster', 'admin-confirm', '--wait'], memoryIO({ tty: true, input: 'yes\n' }));
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('activity stream            stopped');
  });

  it('start and stop need a database; start needs a key', async () => {
    expect((await das(['start', '--kms-key', 'k'])).stderr).toContain('name the database');
    const noKey = await das(['start', '--cluster', 'x']);
    expect(noKey.code).toBe(ExitCode.usage);
    expect(noKey.stderr).toContain("required option '--kms-key <key>' not specified");
  });
});
