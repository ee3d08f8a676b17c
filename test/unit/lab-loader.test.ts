import { describe, expect, expectTypeOf, it } from 'vitest';
import * as lab from 'das-read-lab';
import { UserError } from '../../src/errors.js';
import { LAB_PACKAGE, loadLab, type LabModule } from '../../src/commands/lab/lab-loader.js';

const missing = (specifier: string) =>
  Object.assign(new Error(`Cannot find package '${specifier}' imported from /somewhere/dist/commands/lab/lab-loader.js`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('loading the lab package', () => {
  it('the lab package offers what `das-read lab` and `das-read demo` use of it', async () => {
    expectTypeOf(lab).toExtend<LabModule>();
    const loaded = await loadLab();
    expect(typeof loaded.startLabSession).toBe('function');
    expect(loaded.LAB_CLUSTER).toBe('auroralab-postgres-cluster');
  });

  it('not installed: a UserError that says in one line where the lab is and what to run', async () => {
    const error = await loadLab(async (name) => {
      throw missing(name);
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).toContain(LAB_PACKAGE);
    expect(message).toContain('npm ci && npm run lab');
    expect(message).not.toContain('\n');
    expect((error as UserError).hint).toBeUndefined();
  });

  it('installed but broken (a module of its own missing): that error, as it is, not "not installed"', async () => {
    const broken = missing('kinesis-local');
    await expect(loadLab(async () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
