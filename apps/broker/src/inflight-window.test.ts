import { describe, expect, it } from 'vitest';
import { OutboundInflight } from './inflight-window.js';

const publishQos1 = 0x32;
const publishQos0 = 0x30;
const puback = 0x40;

describe('OutboundInflight', () => {
  it('counts QoS 1/2 PUBLISHes until they are acknowledged, and ignores QoS 0', () => {
    let now = 0;
    const inflight = new OutboundInflight(2, 1000, () => now);
    inflight.sent(publishQos1);
    inflight.sent(publishQos0);
    inflight.sent(0x34); // QoS 2
    expect(inflight.unacknowledged).toBe(2);
    inflight.received(puback);
    expect(inflight.unacknowledged).toBe(1);
    now = 5;
    expect(inflight.stalledMs).toBe(5);
  });

  it('closes a client over the limit only once it has acknowledged nothing for the stall time', () => {
    let now = 0;
    const inflight = new OutboundInflight(2, 1000, () => now);
    expect([inflight.sent(publishQos1), inflight.sent(publishQos1), inflight.sent(publishQos1)]).toEqual([false, false, false]);
    now = 999;
    expect(inflight.sent(publishQos1)).toBe(false);
    now = 1000;
    expect(inflight.sent(publishQos1)).toBe(true);
  });

  it('keeps a client that is far over the limit but acknowledging (a reconnect draining its queue)', () => {
    let now = 0;
    const inflight = new OutboundInflight(2, 1000, () => now);
    for (let index = 0; index < 500; index += 1) inflight.sent(publishQos1); // the whole queue at once
    for (let step = 0; step < 400; step += 1) {
      now += 100; // 40 s in all, an acknowledgement every 100 ms
      inflight.received(puback);
      expect(inflight.sent(publishQos1)).toBe(false);
    }
  });
});
