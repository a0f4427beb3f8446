// deferToNextTurn, which patches/aedes@1.2.0.patch adds to aedes' lib/utils.js and uses for every QoS 0
// delivery and every write's callback: one setImmediate per turn for all of them instead of an Immediate
// object each. aedes exports no lib/ files, so the module is loaded from its path.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const utilsUrl = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('aedes')), 'lib', 'utils.js')).href;
type Defer = (fn: (a: unknown, b: unknown, c: unknown) => void, a?: unknown, b?: unknown, c?: unknown) => void;
const { deferToNextTurn } = (await import(utilsUrl)) as { deferToNextTurn: Defer };

describe("aedes' deferToNextTurn (patched in)", () => {
  it('runs the turn’s callbacks later, in order, with their arguments, where the first one’s setImmediate would have run', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('immediate before'));
    deferToNextTurn((a, b, c) => order.push(`first ${String(a)} ${String(b)} ${String(c)}`), 1, 'two', undefined);
    setImmediate(() => order.push('immediate between'));
    deferToNextTurn((a) => order.push(`second ${String(a)}`), 'x');
    expect(order).toEqual([]);
    await nextTurn();
    await nextTurn();
    expect(order).toEqual(['immediate before', 'first 1 two undefined', 'second x', 'immediate between']);
  });

  it('leaves callbacks deferred while the batch runs for the next turn', async () => {
    const order: string[] = [];
    deferToNextTurn(() => {
      order.push('outer');
      deferToNextTurn(() => order.push('inner'));
    });
    deferToNextTurn(() => order.push('outer 2'));
    await nextTurn();
    expect(order).toEqual(['outer', 'outer 2']);
    await nextTurn();
    expect(order).toEqual(['outer', 'outer 2', 'inner']);
  });

  it('still runs the rest of a batch, in the next turn, when one callback throws', () => {
    // In a process of its own: the throw is an uncaught exception, which a test runner would take for a failure.
    const script = `
      const { deferToNextTurn } = await import(${JSON.stringify(utilsUrl)});
      const order = [];
      process.on('uncaughtException', (error) => order.push('uncaught ' + error.message));
      deferToNextTurn(() => order.push('a'));
      deferToNextTurn(() => { throw new Error('b'); });
      deferToNextTurn(() => order.push('c'));
      setTimeout(() => console.log(JSON.stringify(order)), 50);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout) as unknown).toEqual(['a', 'uncaught b', 'c']);
  });
});
