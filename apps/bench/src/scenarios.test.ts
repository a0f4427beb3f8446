import { describe, expect, it } from 'vitest';
import { allScenarios, filterScenarios } from './scenarios.js';
import { parseTargets, transportOf } from './targets.js';

const scenarios = allScenarios({ publishers: 4, subscribers: 8, idleConnections: 100 });
const names = (patterns: string | undefined) => filterScenarios(scenarios, patterns).map((scenario) => scenario.name);

describe('allScenarios', () => {
  it('runs the idle scenarios first', () => {
    expect(names(undefined).slice(0, 2)).toEqual(['idle/tcp', 'idle/ws']);
  });

  it('covers fan-in and fan-out x QoS 0/1 x 64 B/4 KiB x TCP/WebSocket, and idle over both', () => {
    expect(scenarios).toHaveLength(18);
    expect(names(undefined)).toContain('fan-in/qos1/4KiB/ws');
    expect(names(undefined)).toContain('fan-out/qos0/64B/tcp');
    expect(scenarios.find((scenario) => scenario.name === 'fan-in/qos0/64B/tcp')).toMatchObject({ publishers: 4, subscribers: 1 });
    expect(scenarios.find((scenario) => scenario.name === 'fan-out/qos0/64B/tcp')).toMatchObject({ publishers: 1, subscribers: 8 });
    expect(scenarios.find((scenario) => scenario.name === 'idle/ws')).toMatchObject({ kind: 'idle', connections: 100 });
  });
});

describe('filterScenarios', () => {
  it('matches substrings, * wildcards and comma-separated alternatives', () => {
    expect(names('idle')).toEqual(['idle/tcp', 'idle/ws']);
    expect(names('fan-in/qos1*tcp')).toEqual(['fan-in/qos1/64B/tcp', 'fan-in/qos1/4KiB/tcp']);
    expect(names('idle/ws, fan-out/qos0/64B/ws')).toEqual(['idle/ws', 'fan-out/qos0/64B/ws']);
    expect(names('nothing-like-this')).toEqual([]);
  });

  it('takes dots literally', () => {
    expect(names('qos1.64B')).toEqual([]);
  });
});

describe('parseTargets', () => {
  it('names a target by its URL, or groups name=url values', () => {
    expect(parseTargets(['mqtt://127.0.0.1:18831'])).toEqual([{ name: 'mqtt://127.0.0.1:18831', urls: { tcp: 'mqtt://127.0.0.1:18831' }, brokerPids: [], proxyPids: [] }]);
    expect(parseTargets(['edge=mqtt://h:1883', 'edge=ws://h:8080/mqtt'])).toEqual([{ name: 'edge', urls: { tcp: 'mqtt://h:1883', ws: 'ws://h:8080/mqtt' }, brokerPids: [], proxyPids: [] }]);
  });

  it('refuses schemes it cannot speak', () => {
    expect(() => transportOf('mqtts://h:8883')).toThrow(/mqtt:\/\/host:port or ws:\/\//);
    expect(() => parseTargets(['http://h'])).toThrow(/unsupported target/);
  });
});
