// Browser end-to-end tests: the built dashboard in a real headless Chromium, served by the real proxy in
// front of the real broker, with the simulator publishing. One file at a time (2 shared cores).
import { preset } from '@gateway/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// The preset's include/exclude select unit tests and its JSON report would overwrite the unit run's;
// mergeConfig would append to them, so drop them.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const { include, exclude, reporters, ...presetTest } = preset.test ?? {};

export default mergeConfig(
  { ...preset, test: presetTest },
  defineConfig({
    test: {
      include: ['src/**/*.browser.test.ts'],
      reporters: ['default', ['json', { outputFile: 'test-results/vitest-browser.json' }]],
      exclude: ['**/node_modules/**', '**/dist/**'],
      environment: 'node',
      globalSetup: ['src/browser-tests/global-setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  }),
);
