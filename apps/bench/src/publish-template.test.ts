import { parser as createParser, type IPublishPacket, type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { messageIdFor, PublishTemplate, readStamp, stampSize } from './publish-template.js';

/** Decodes packets with mqtt-packet's own parser, as a broker would. */
function decode(...buffers: Buffer[]): IPublishPacket[] {
  const parser = createParser({ protocolVersion: 4 });
  const packets: Packet[] = [];
  parser.on('packet', (packet: Packet) => packets.push(packet));
  parser.on('error', (error) => {
    throw error;
  });
  for (const buffer of buffers) parser.parse(buffer);
  return packets.filter((packet): packet is IPublishPacket => packet.cmd === 'publish');
}

describe('PublishTemplate', () => {
  it('patches a QoS 1 packet that still decodes to the right topic, packet id, payload and stamp', () => {
    const template = new PublishTemplate({ topic: 'bench/run/3', qos: 1, payloadSize: 64, publisher: 3 });
    const packet = template.copy();
    template.stamp(packet, 41, 123_456_789_012n);
    const [decoded] = decode(packet);
    expect(decoded).toMatchObject({ cmd: 'publish', topic: 'bench/run/3', qos: 1, messageId: 42, retain: false, dup: false });
    const payload = decoded!.payload as Buffer;
    expect(payload.length).toBe(64);
    expect(readStamp(payload)).toEqual({ sentNs: 123_456_789_012n, publisher: 3, sequence: 41 });
    expect(payload.subarray(stampSize).every((byte) => byte === 'x'.charCodeAt(0))).toBe(true);
  });

  it('patches a QoS 0 packet (no packet id) with a 4 KiB payload (two-byte remaining length)', () => {
    const template = new PublishTemplate({ topic: 'bench/run/0', qos: 0, payloadSize: 4096, publisher: 0 });
    expect(template.messageIdOffset).toBe(-1);
    const packet = template.copy();
    template.stamp(packet, 7, 99n);
    const [decoded] = decode(packet);
    expect(decoded).toMatchObject({ topic: 'bench/run/0', qos: 0 });
    expect(decoded!.messageId).toBeUndefined();
    expect((decoded!.payload as Buffer).length).toBe(4096);
    expect(readStamp(decoded!.payload as Buffer)).toEqual({ sentNs: 99n, publisher: 0, sequence: 7 });
  });

  it('re-stamps the same bytes in place, and copies stay independent', () => {
    const template = new PublishTemplate({ topic: 't', qos: 1, payloadSize: 16, publisher: 1 });
    const first = template.copy();
    const second = template.copy();
    template.stamp(first, 1, 10n);
    template.stamp(second, 2, 20n);
    template.stamp(first, 3, 30n);
    const decoded = decode(Buffer.concat([first, second]));
    expect(decoded.map((packet) => [packet.messageId, readStamp(packet.payload as Buffer).sequence, readStamp(packet.payload as Buffer).sentNs])).toEqual([
      [4, 3, 30n],
      [3, 2, 20n],
    ]);
    expect(first.length).toBe(template.packet.length);
  });

  it('cycles packet ids through 1..65535, never 0', () => {
    expect(messageIdFor(0)).toBe(1);
    expect(messageIdFor(65_534)).toBe(65_535);
    expect(messageIdFor(65_535)).toBe(1);
    const template = new PublishTemplate({ topic: 't', qos: 1, payloadSize: 16, publisher: 0 });
    const [decoded] = decode(template.stamp(template.copy(), 65_535 * 2 + 4, 1n));
    expect(decoded!.messageId).toBe(5);
  });

  it('refuses payloads too small for the stamp', () => {
    expect(() => new PublishTemplate({ topic: 't', qos: 0, payloadSize: 8, publisher: 0 })).toThrow(/stamp/);
  });
});
