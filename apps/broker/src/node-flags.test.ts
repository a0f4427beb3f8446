import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brokerNodeFlags } from './node-flags.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('brokerNodeFlags', () => {
  it('are the flags of `pnpm start`', () => {
    const { scripts } = JSON.parse(read('../package.json')) as { scripts: Record<string, string> };
    expect(scripts['start']).toBe(['node', ...brokerNodeFlags, 'dist/main.js'].join(' '));
  });

  it("are the flags of the container image's CMD", () => {
    const dockerfile = read('../../../infra/docker/Dockerfile');
    const brokerStage = /^FROM \S+ AS broker$([\s\S]*?)^FROM /m.exec(dockerfile)?.[1];
    expect(brokerStage, 'the broker stage of infra/docker/Dockerfile').toBeDefined();
    const cmd = /^CMD (\[.*\])$/m.exec(brokerStage ?? '')?.[1];
    expect(cmd, "the broker stage's CMD").toBeDefined();
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...brokerNodeFlags, 'dist/main.js']);
  });

  it('are flags this Node.js accepts', () => {
    expect(brokerNodeFlags.length).toBeGreaterThan(0);
    for (const flag of brokerNodeFlags) expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0] ?? flag)).toBe(true);
  });
});
