// A system under test: where to connect for each transport, and which processes to watch (CPU, memory)
// when the benchmark started them itself.
import type { Transport } from './scenarios.js';

export interface Target {
  /** "ours-proxy", "ours-direct", "ours-nginx", "reference", or the name given with --target. */
  name: string;
  urls: Partial<Record<Transport, string>>;
  /** Process ids of the broker and of the proxy in front of it (their children count too); empty when unknown. */
  brokerPids: readonly number[];
  proxyPids: readonly number[];
  /**
   * Starts a new copy of this system (when the benchmark started it): memory is measured on fresh
   * processes, as allocators keep what an earlier run grew them to and new connections fit in it unseen.
   */
  startFresh?: () => Promise<StartedTarget>;
}

export interface StartedTarget {
  target: Target;
  close(): Promise<void>;
}

/** The transport a target URL speaks. */
export function transportOf(url: string): Transport {
  const scheme = new URL(url).protocol;
  if (scheme === 'mqtt:' || scheme === 'tcp:') return 'tcp';
  if (scheme === 'ws:') return 'ws';
  throw new Error(`unsupported target ${url}: expected mqtt://host:port or ws://host:port/path`);
}

/**
 * Targets from --target values: "url" or "name=url"; URLs given under the same name form one target
 * (`--target a=mqtt://h:1883 --target a=ws://h:8080/mqtt`).
 */
export function parseTargets(values: readonly string[]): Target[] {
  const targets = new Map<string, Target>();
  for (const value of values) {
    const match = /^([\w.-]+)=(.+)$/.exec(value);
    const url = match?.[2] ?? value;
    const name = match?.[1] ?? url;
    const target = targets.get(name) ?? { name, urls: {}, brokerPids: [], proxyPids: [] };
    target.urls[transportOf(url)] = url;
    targets.set(name, target);
  }
  return [...targets.values()];
}
