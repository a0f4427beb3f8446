// Where the browser tests' own build of the dashboard lives (global-setup.ts writes it, the test stack's
// proxy serves it): under node_modules, so it is never committed nor a turbo input, and apart from dist/,
// which the package's own `vite build` empties and rewrites while `pnpm test` runs.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const dashboardRoot = fileURLToPath(new URL('../..', import.meta.url));

export const BROWSER_TEST_DIST = join(dashboardRoot, 'node_modules', '.browser-test-dist');
