// Root vitest config: every workspace as a project, for running or debugging all tests from an editor.
// CI and `pnpm test` go through Turborepo, which runs each workspace's own config with caching.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/service-kit', 'packages/topics', 'packages/access-control', 'packages/proxy-protocol', 'apps/broker', 'apps/proxy', 'apps/simulator', 'apps/bench', 'tests/stack'],
  },
});
