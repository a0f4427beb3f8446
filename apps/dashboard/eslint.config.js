import { config } from '@gateway/eslint-config';

export default [
  ...config({ tsconfigRootDir: import.meta.dirname, browser: true }),
  // The shared config relaxes these for *.test.ts; component tests are *.test.tsx.
  {
    files: ['**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  { ignores: ['test-results/**'] },
];
