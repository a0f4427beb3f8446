// The container suite: *.e2e.test.ts files only, one file at a time (they build images and start
// containers on a 2-core machine), with timeouts sized for arm64 under emulation.
import { preset } from '@gateway/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// mergeConfig appends arrays, so take the preset's include/exclude/reporters out first.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const { include, exclude, reporters, ...presetTest } = preset.test ?? {};

export default mergeConfig(
  { ...preset, test: presetTest },
  defineConfig({
    test: {
      include: ['src/**/*.e2e.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**'],
      reporters: ['default', 'json'],
      // A plain option (not the reporter's own), so a nested run can send its report elsewhere with --outputFile.json.
      outputFile: { json: 'test-results/vitest-e2e.json' },
      fileParallelism: false,
      // The first test of a block also starts its shared setup (see fixtures/shared-setup.ts), which may
      // build the images: a cold arm64 build under emulation takes minutes.
      testTimeout: 1_200_000,
      hookTimeout: 1_200_000,
    },
  }),
);
