import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'lab/dist/', 'node_modules/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Only the entries (main.ts, and the Lambda's) may touch the process: everything else gets what it needs passed in.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/lambda/handler.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Only src/main.ts and src/lambda/handler.ts touch process; take what you need as a parameter.' },
      ],
    },
  },
);
