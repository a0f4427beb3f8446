// Builds apps/dashboard/dist once before the end-to-end tests, with Vite's build() API, unless
// DASHBOARD_E2E_SKIP_BUILD=1 and a build already exists.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const dashboardRoot = fileURLToPath(new URL('../..', import.meta.url));

export default async function setup(): Promise<void> {
  const dist = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
  if (process.env['DASHBOARD_E2E_SKIP_BUILD'] === '1' && existsSync(dist)) return;
  await build({ root: dashboardRoot, configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
