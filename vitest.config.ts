import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // The sources, not the builds: tests, the lab and das-read share one copy of each module.
  resolve: {
    alias: [
      { find: /^das-read$/, replacement: here('./src/index.ts') },
      { find: /^das-read-lab$/, replacement: here('./lab/src/index.ts') },
    ],
  },
  test: {
    // The run's temporary files go to a folder of its own, reported if a test leaves anything there, then removed.
    globalSetup: ['test/helpers/temp-leftovers.ts'],
    // Vitest's default is a worker less than the cores: one on a 2-core machine, where most test files wait on
    // child processes and local servers. Two run the suite in 6 minutes instead of 10 there (measured 2026-12-07).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Dummy credentials for the default chain: the local services accept any signature.
    env: {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    // One project a tier, each runnable alone: npm test -- --project unit (integ: local services; e2e: the built bin).
    // Unit tests call the formatters directly; das-read's commands load --redact's lexers themselves, and the other tiers hold them to it.
    projects: ['unit', 'integ', 'e2e'].map((tier) => ({
      extends: true,
      test: {
        name: tier,
        include: [`test/${tier}/**/*.test.ts`],
        // Every tier removes its test files' scratch folders (test/helpers/scratch-dir.ts) when each file is done.
        setupFiles: [...(tier === 'unit' ? ['test/helpers/prepare-redaction.ts'] : []), 'test/helpers/scratch-cleanup.ts'],
      },
    })),
  },
});
