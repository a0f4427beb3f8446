import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { byteSize, duration, flag, hostPortList, list, port } from './config-fields.js';

const shape = {
  APP_PORT: port(1883),
  APP_DEBUG: flag(false),
  APP_MAX: byteSize(1024),
  APP_WAIT: duration(1000),
  APP_TOPICS: list([]),
  APP_UPSTREAMS: hostPortList('127.0.0.1:1883'),
};

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig(shape, { env: {} });
    expect(config).toEqual({
      APP_PORT: 1883,
      APP_DEBUG: false,
      APP_MAX: 1024,
      APP_WAIT: 1000,
      APP_TOPICS: [],
      APP_UPSTREAMS: [{ host: '127.0.0.1', port: 1883 }],
    });
  });

  it('parses values from the environment', () => {
    const config = loadConfig(shape, {
      env: { APP_PORT: '0', APP_DEBUG: 'yes', APP_MAX: '256KiB', APP_WAIT: '2s', APP_TOPICS: 'a/#, b', APP_UPSTREAMS: 'broker:1883,[::1]:1884' },
    });
    expect(config.APP_PORT).toBe(0);
    expect(config.APP_DEBUG).toBe(true);
    expect(config.APP_MAX).toBe(256 * 1024);
    expect(config.APP_WAIT).toBe(2000);
    expect(config.APP_TOPICS).toEqual(['a/#', 'b']);
    expect(config.APP_UPSTREAMS).toEqual([
      { host: 'broker', port: 1883 },
      { host: '::1', port: 1884 },
    ]);
  });

  it('names every bad variable in its error', () => {
    expect(() => loadConfig(shape, { env: { APP_PORT: '70000', APP_MAX: 'lots', APP_UPSTREAMS: 'nope' } })).toThrow(ConfigError);
    try {
      loadConfig(shape, { env: { APP_PORT: '70000', APP_MAX: 'lots', APP_UPSTREAMS: 'nope' } });
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('APP_PORT');
      expect(message).toContain('"70000"');
      expect(message).toContain('APP_MAX');
      expect(message).toContain('APP_UPSTREAMS');
    }
  });

  it('reads a JSON file, with the environment winning over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ APP_PORT: 1999, APP_DEBUG: true, APP_WAIT: '5s' }));
    const config = loadConfig(shape, { env: { APP_CONFIG_FILE: file, APP_WAIT: '1s' }, fileVariable: 'APP_CONFIG_FILE' });
    expect(config.APP_PORT).toBe(1999);
    expect(config.APP_DEBUG).toBe(true);
    expect(config.APP_WAIT).toBe(1000);
  });

  it('refuses an unknown key or a broken file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ APP_PROT: 1 }));
    expect(() => loadConfig(shape, { env: { APP_CONFIG_FILE: unknown }, fileVariable: 'APP_CONFIG_FILE' })).toThrow(/APP_PROT/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadConfig(shape, { env: { APP_CONFIG_FILE: broken }, fileVariable: 'APP_CONFIG_FILE' })).toThrow(/APP_CONFIG_FILE.*not valid JSON/);
    expect(() => loadConfig(shape, { env: { APP_CONFIG_FILE: join(dir, 'missing.json') }, fileVariable: 'APP_CONFIG_FILE' })).toThrow(
      /APP_CONFIG_FILE: cannot read/,
    );
  });
});
