// Unit and component tests: the workspace preset (source conditions, JSON reporter) with TSX tests
// and the automatic Preact JSX runtime. Components opt into happy-dom with a file-level
// `// @vitest-environment happy-dom` comment or by living in a *.test.tsx file.
import { preset } from '@gateway/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(
  preset,
  defineConfig({
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    test: {
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
      exclude: ['**/node_modules/**', '**/dist/**', 'src/**/*.browser.test.ts'],
      environment: 'happy-dom',
      setupFiles: ['src/test-setup.ts'],
    },
  }),
);
