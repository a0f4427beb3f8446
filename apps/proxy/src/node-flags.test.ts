import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proxyNodeFlags, withProxyNodeFlags } from './node-flags.js';

const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('withProxyNodeFlags', () => {
  it('adds the proxy flags after the ones already given', () => {
    expect(withProxyNodeFlags(['--enable-source-maps'])).toEqual(['--enable-source-maps', ...proxyNodeFlags]);
    expect(withProxyNodeFlags([])).toEqual([...proxyNodeFlags]);
  });

  it.each([
    [['--max-semi-space-size=16'], ''],
    [['--max_semi_space_size=16'], ''],
    [[], '--enable-source-maps --max-semi-space-size=8'],
  ])('keeps a young-generation size the user chose (execArgv %j, NODE_OPTIONS %j)', (execArgv, nodeOptions) => {
    expect(withProxyNodeFlags(execArgv, nodeOptions)).toEqual(execArgv);
  });
});

describe('every way the proxy is started passes proxyNodeFlags', () => {
  const flags = proxyNodeFlags.join(' ');

  it('pnpm start', () => {
    const manifest = JSON.parse(repoFile('apps/proxy/package.json')) as { scripts: Record<string, string> };
    expect(manifest.scripts['start']).toBe(`node ${flags} dist/main.js`);
  });

  it("the Docker image's proxy stage, in NODE_OPTIONS (which a deployment's own replaces)", () => {
    const proxyStage = repoFile('infra/docker/Dockerfile').split(/^FROM /m).find((stage) => stage.startsWith('runtime AS proxy'));
    expect(proxyStage).toBeDefined();
    expect(proxyStage).toMatch(new RegExp(`^\\s*NODE_OPTIONS=${flags}$`, 'm'));
    expect(proxyStage).toContain('CMD ["node", "dist/main.js"]');
  });
});
