import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, loadBrokerConfig } from './config.js';

describe('loadBrokerConfig', () => {
  it('defaults to loopback, the standard ports and durable persistence in <repo>/.data/broker', () => {
    const config = loadBrokerConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      tcpPort: 1883,
      wsPort: 8001,
      adminHost: '127.0.0.1',
      adminPort: 9101,
      persistence: 'level',
      maxPacketSize: 1024 * 1024,
      topicDeny: [],
      topicAllow: [],
      concurrency: 1000,
      logLevel: 'info',
    });
    expect(config.dataDir).toBe(defaultDataDir);
    expect(defaultDataDir).toMatch(/[/\\]\.data[/\\]broker$/);
    expect(defaultDataDir).not.toContain(join('apps', 'broker'));
  });

  it('parses sizes, lists and durations', () => {
    const config = loadBrokerConfig({
      BROKER_MAX_PACKET_SIZE: '256KiB',
      BROKER_TOPIC_DENY: 'test/nosubscribe, secret/#',
      BROKER_PERSISTENCE: 'memory',
      BROKER_HEARTBEAT_INTERVAL: '2s',
    });
    expect(config.maxPacketSize).toBe(256 * 1024);
    expect(config.topicDeny).toEqual(['test/nosubscribe', 'secret/#']);
    expect(config.persistence).toBe('memory');
    expect(config.heartbeatIntervalMs).toBe(2000);
  });

  it('names the bad variable and value in its error', () => {
    expect(() => loadBrokerConfig({ BROKER_TCP_PORT: '99999' })).toThrow(/BROKER_TCP_PORT.*"99999"/);
    expect(() => loadBrokerConfig({ BROKER_PERSISTENCE: 'redis' })).toThrow(/BROKER_PERSISTENCE/);
    expect(() => loadBrokerConfig({ BROKER_MAX_PACKET_SIZE: 'huge' })).toThrow(/BROKER_MAX_PACKET_SIZE/);
    expect(() => loadBrokerConfig({ BROKER_TOPIC_DENY: 'ok/#, bad/#/x' })).toThrow(/BROKER_TOPIC_DENY.*bad\/#\/x/);
  });

  it('reads BROKER_CONFIG_FILE, with the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-config-'));
    try {
      const file = join(dir, 'broker.json');
      writeFileSync(file, JSON.stringify({ BROKER_TCP_PORT: 1999, BROKER_WS_PORT: 2000 }));
      const config = loadBrokerConfig({ BROKER_CONFIG_FILE: file, BROKER_WS_PORT: '0' });
      expect(config.tcpPort).toBe(1999);
      expect(config.wsPort).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
