// Shared vitest preset for the workspace. Tests resolve @gateway/* packages from their TypeScript
// source (the "@gateway/source" export condition), so a test run never needs a prior build.
// Each run also writes test-results/vitest.json, which CI adds up into one closing line.
import { defineConfig } from 'vitest/config';

export const sourceConditions = ['@gateway/source'];

export const preset = defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
