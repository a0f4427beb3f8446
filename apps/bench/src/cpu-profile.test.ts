import { describe, expect, it } from 'vitest';
import { topSelfTime, type CpuProfile } from './cpu-profile.js';

describe('topSelfTime', () => {
  it('adds up self time per function, leaves out idle, and sorts by it', () => {
    const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('parse', 'file:///repo/node_modules/.pnpm/mqtt-packet@9/node_modules/mqtt-packet/parser.js', 9) },
        { id: 4, callFrame: frame('', 'file:///repo/apps/broker/dist/broker.js', 0) },
        { id: 5, callFrame: frame('parse', 'file:///repo/node_modules/.pnpm/mqtt-packet@9/node_modules/mqtt-packet/parser.js', 9) },
      ],
      startTime: 0,
      endTime: 100,
      samples: [2, 3, 4, 5, 2, 3],
      // Each sample lasts until the next one: idle 10, parse 20, anonymous 30, parse 5, idle 1000, parse (last) 0.
      timeDeltas: [0, 10_000, 20_000, 30_000, 5000, 1_000_000],
    };
    expect(topSelfTime(profile, 10, '/repo')).toEqual([
      { function: '(anonymous) apps/broker/dist/broker.js:1', selfMs: 30, percent: 54.5 },
      { function: 'parse mqtt-packet/parser.js:10', selfMs: 25, percent: 45.5 },
    ]);
    expect(topSelfTime(profile, 1, '/repo')).toHaveLength(1);
  });
});
