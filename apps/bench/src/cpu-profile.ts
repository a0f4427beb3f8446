// Reads a V8 CPU profile (.cpuprofile, written by node --cpu-prof) and lists the functions with the most
// self time: where a service spends its CPU, before anyone optimises it.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  /** "functionName file:line" ("(anonymous)" for nameless functions; "(garbage collector)" and such for V8's own). */
  function: string;
  selfMs: number;
  /** Share of all sampled time, idle excluded. */
  percent: number;
}

/** The `count` functions with the most self time; samples in "(idle)" are left out. */
export function topSelfTime(profile: CpuProfile, count = 10, root = process.cwd()): SelfTime[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (const [index, id] of samples.entries()) {
    const frame = nodes.get(id)?.callFrame;
    // Each delta is the time before its sample; the time a sample stands for is the next one's delta.
    const micros = deltas[index + 1] ?? 0;
    if (frame === undefined || frame.functionName === '(idle)') continue;
    const where = frame.url === '' ? '' : ` ${shortUrl(frame.url, root)}:${String(frame.lineNumber + 1)}`;
    const key = `${frame.functionName || '(anonymous)'}${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    total += micros;
  }
  return [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => ({ function: name, selfMs: Math.round(micros / 100) / 10, percent: total === 0 ? 0 : Math.round((micros / total) * 1000) / 10 }));
}

function shortUrl(url: string, root: string): string {
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (!path.startsWith('/')) return path;
  const fromRoot = relative(root, path);
  // pnpm's store paths: keep what follows the last node_modules/.
  const nodeModules = fromRoot.lastIndexOf('node_modules/');
  return nodeModules >= 0 ? fromRoot.slice(nodeModules + 'node_modules/'.length) : fromRoot;
}

export async function readCpuProfile(path: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
}
