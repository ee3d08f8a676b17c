import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// Not part of `npm test`: the benchmark's smoke run and a probe of V8's internals, each a step of CI's own.
export default mergeConfig(base, defineConfig({ test: { projects: [{ extends: true, test: { name: 'probes', include: ['test/probes/**/*.test.ts'], testTimeout: 300_000 } }] } }));
