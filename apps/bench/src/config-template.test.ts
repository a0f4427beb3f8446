import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTemplate, templateDir } from './config-template.js';

const values = {
  PREFIX: '/tmp/bench-x',
  STREAM_MODULE: '/usr/lib/nginx/modules/ngx_stream_module.so',
  WORKER_PROCESSES: 1,
  BROKER_TCP_PORT: 1001,
  BROKER_WS_PORT: 1002,
  NGINX_TCP_PORT: 1003,
  NGINX_WS_PORT: 1004,
};

describe('benchmark config templates', () => {
  it('fills every placeholder of the NGINX template and keeps NGINX variables', async () => {
    const config = renderTemplate(await readFile(join(templateDir, 'nginx.conf.template'), 'utf8'), values);
    expect(config).not.toMatch(/\{\{\w+\}\}/);
    expect(config).toContain('load_module /usr/lib/nginx/modules/ngx_stream_module.so;');
    expect(config).toContain('daemon off;');
    expect(config).toContain('pid /tmp/bench-x/nginx.pid;');
    expect(config).toContain('listen 127.0.0.1:1003;');
    expect(config).toContain('server 127.0.0.1:1001;');
    expect(config).toContain('listen 127.0.0.1:1004;');
    expect(config).toContain('server 127.0.0.1:1002;');
    expect(config).toContain('proxy_set_header Upgrade $http_upgrade;');
  });

  it('fills the Mosquitto template with both listeners', async () => {
    const config = renderTemplate(await readFile(join(templateDir, 'mosquitto.conf.template'), 'utf8'), values);
    expect(config).not.toMatch(/\{\{\w+\}\}/);
    expect(config).toMatch(/listener 1001 127\.0\.0\.1\nprotocol mqtt/);
    expect(config).toMatch(/listener 1002 127\.0\.0\.1\nprotocol websockets/);
  });

  it('refuses a placeholder without a value', () => {
    expect(() => renderTemplate('listen {{PORT}};', {})).toThrow(/\{\{PORT\}\}/);
  });
});
