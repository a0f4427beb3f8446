import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricValue } from '@gateway/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy } from './testing/test-proxy.js';

describe('static site on the WebSocket port', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxy-static-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Gateway</title><script src="/assets/app.js"></script>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log("dashboard");');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the dashboard files with their content types', async () => {
    await using proxy = await startTestProxy({ tcpUpstreams: '127.0.0.1:1', wsUpstreams: '127.0.0.1:1', env: { PROXY_STATIC_DIR: dir } });
    const index = await fetch(`${proxy.httpUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>Gateway</title>');

    const asset = await fetch(`${proxy.httpUrl}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(await asset.text()).toBe('console.log("dashboard");');

    // A page the dashboard routes itself gets index.html; a missing asset is a plain 404.
    const route = await fetch(`${proxy.httpUrl}/sensors/kitchen`, { headers: { accept: 'text/html' } });
    expect(await route.text()).toContain('<title>Gateway</title>');
    expect((await fetch(`${proxy.httpUrl}/assets/missing.js`)).status).toBe(404);

    expect(metricValue(await proxy.metrics(), 'gateway_proxy_static_requests_total', 'status="200"')).toBe(3);
  });

  it('answers 503 with a hint when the dashboard is not built', async () => {
    await using proxy = await startTestProxy({ tcpUpstreams: '127.0.0.1:1', wsUpstreams: '127.0.0.1:1', env: { PROXY_STATIC_DIR: join(dir, 'not-built') } });
    const response = await fetch(`${proxy.httpUrl}/`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('dashboard not built: run pnpm build');
    expect(proxy.logs.matching('dashboard not built')).toHaveLength(1);
  });
});
