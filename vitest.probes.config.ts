import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Not part of `npm test`: the benchmark's smoke run and a probe of V8's internals, a step of CI's own.
// The base's settings, its projects replaced (merging would add them, and run every test again).
export default defineConfig({
  ...base,
  test: { ...base.test, projects: [{ extends: true, test: { name: 'probes', include: ['test/probes/**/*.test.ts'], testTimeout: 300_000 } }] },
});
