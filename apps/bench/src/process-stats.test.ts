import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuMeter, cpuSeconds, processTree, residentBytes } from './process-stats.js';

describe('process statistics from /proc', () => {
  it('finds a child in the process tree and adds up its memory', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(processTree(process.pid)).toContain(child.pid);
      expect(residentBytes([process.pid])).toBeGreaterThan(residentBytes([child.pid!]));
      expect(residentBytes([child.pid!])).toBeGreaterThan(1024 * 1024);
    } finally {
      child.kill();
    }
  });

  it('measures CPU time spent', () => {
    const meter = new CpuMeter({ self: [process.pid] });
    const before = cpuSeconds([process.pid]);
    const until = performance.now() + 300;
    let spin = 0;
    while (performance.now() < until) spin += 1;
    expect(spin).toBeGreaterThan(0);
    expect(cpuSeconds([process.pid])).toBeGreaterThan(before);
    const percent = meter.read();
    expect(percent['self']).toBeGreaterThan(10);
    expect(percent['loadGenerator']).toBeGreaterThan(10);
  });

  it('counts a process that is gone as nothing', () => {
    expect(processTree(2 ** 22 + 1)).toEqual([]);
    expect(cpuSeconds([2 ** 22 + 1])).toBe(0);
    expect(residentBytes([2 ** 22 + 1])).toBe(0);
  });
});
