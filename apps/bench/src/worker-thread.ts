// Starts a worker thread from a module beside this one, in the built dist/ (.js) or, under vitest, from
// the TypeScript source: Node strips the types, and a resolve hook maps the source's `./x.js` imports to `./x.ts`.
import { Worker } from 'node:worker_threads';

export function startModuleWorker(moduleUrl: URL, workerData: unknown): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, { workerData });
  const bootstrap = `
    const { registerHooks } = require('node:module');
    const { existsSync } = require('node:fs');
    const { fileURLToPath } = require('node:url');
    registerHooks({
      resolve(specifier, context, nextResolve) {
        if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
          const source = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
          if (existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
        }
        return nextResolve(specifier, context);
      },
    });
    import(${JSON.stringify(moduleUrl.href)});
  `;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** This module's sibling `name` (a worker entry), with the extension this module was loaded with. */
export function siblingModule(name: string, from: string): URL {
  const extension = from.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, from);
}
