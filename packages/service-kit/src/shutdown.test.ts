import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createShutdownHandler } from './shutdown.js';

const logger = createLogger('test', 'silent');

function setup(closeService: () => Promise<void>, graceMs = 10_000) {
  let clock = 0;
  const exits: number[] = [];
  const onSignal = createShutdownHandler(logger, closeService, { graceMs, exit: (code) => exits.push(code), now: () => clock });
  return { onSignal, exits, advance: (ms: number) => (clock += ms) };
}

describe('createShutdownHandler', () => {
  it('closes once and exits 0, ignoring the duplicate of a Ctrl-C delivered twice', async () => {
    let closes = 0;
    let finish: () => void = () => undefined;
    const { onSignal, exits, advance } = setup(() => {
      closes += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    onSignal('SIGINT');
    advance(20);
    onSignal('SIGINT');
    expect(closes).toBe(1);
    expect(exits).toEqual([]);
    finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(exits).toEqual([0]);
  });

  it('exits 1 at once when the user signals again later', () => {
    const { onSignal, exits, advance } = setup(() => new Promise<void>(() => undefined));
    onSignal('SIGTERM');
    advance(1500);
    onSignal('SIGTERM');
    expect(exits).toEqual([1]);
  });

  it('exits 1 when closing fails or takes longer than the grace period', async () => {
    const failing = setup(() => Promise.reject(new Error('disk gone')));
    failing.onSignal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(failing.exits).toEqual([1]);

    const slow = setup(() => new Promise<void>(() => undefined), 20);
    slow.onSignal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(slow.exits).toEqual([1]);
  });
});
