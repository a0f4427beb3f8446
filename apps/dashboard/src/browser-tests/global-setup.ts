// Builds the dashboard once before the browser tests, with Vite's build() API, into a folder of their own
// (BROWSER_TEST_DIST) that the proxy under test serves. Not into dist/: `pnpm test` runs the package's own
// `vite build` (tests/stack depends on it) at the same time, and each build empties its output folder
// first, so a page loaded from a shared dist/ could find its files gone. DASHBOARD_E2E_SKIP_BUILD=1 reuses
// an earlier build of this folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { BROWSER_TEST_DIST, dashboardRoot } from './paths';

export default async function setup(): Promise<void> {
  if (process.env['DASHBOARD_E2E_SKIP_BUILD'] === '1' && existsSync(join(BROWSER_TEST_DIST, 'index.html'))) return;
  await build({
    root: dashboardRoot,
    configFile: join(dashboardRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: BROWSER_TEST_DIST, emptyOutDir: true },
  });
}
