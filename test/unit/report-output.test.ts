import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportText } from '../../src/commands/report/report-output.js';
import { sampleReport } from '../helpers/sample-report.js';

describe('report -o json', () => {
  it('writes what a terminal would act on as \\u escapes, and reads back the same (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (name) => {
        const data = sampleReport({ user: name });
        const text = await reportText('json', data);
        expect(text).not.toMatch(/[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(data)));
      }),
      { numRuns: 200 },
    );
    expect(await reportText('json', sampleReport({ user: 'evil\u009b31m\u202egnp.exe' }))).toContain('evil\\u009b31m\\u202egnp.exe');
  });
});
