import { describe, expect, it } from 'vitest';
import { imageAck } from '@gateway/topics/image-selector';
import { ConnectionManager } from '../mqtt/connection';
import { fakeFactory } from '../testing/fake-transport';
import { ImageSelector } from './image-selector';

function connected() {
  const factory = fakeFactory();
  const manager = new ConnectionManager({ factory });
  const images = new ImageSelector(manager);
  images.attach();
  manager.connect('ws://h/mqtt', { clientId: 'display-7', clean: true, keepalive: 30 });
  factory.last.accept();
  return { factory, images };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ImageSelector', () => {
  it('subscribes to the selection topic and acknowledges a known image', async () => {
    const { factory, images } = connected();
    await flush();
    expect(factory.last.subscribed.get('/ImageSelector/image')).toBe(1);
    factory.last.send('/ImageSelector/image', 'forest');
    await flush();
    expect(images.current.value).toMatchObject({ name: 'forest', known: true, ack: 'sent' });
    const ack = factory.last.published.find((entry) => entry.topic === '/ImageSelector/ack')!;
    expect(ack.qos).toBe(1);
    const decoded = imageAck.payload.decode(ack.payload);
    expect(decoded.ok && decoded.value).toMatchObject({ image: 'forest', known: true, by: 'display-7' });
  });

  it('acknowledges an unknown name as unknown', async () => {
    const { factory, images } = connected();
    factory.last.send('/ImageSelector/image', 'moon-base');
    await flush();
    expect(images.current.value).toMatchObject({ name: 'moon-base', known: false, ack: 'sent' });
    const decoded = imageAck.payload.decode(factory.last.published.at(-1)!.payload);
    expect(decoded.ok && decoded.value.known).toBe(false);
  });

  it('shows an invalid payload raw and does not acknowledge it', async () => {
    const { factory, images } = connected();
    factory.last.send('/ImageSelector/image', 'two words/and a slash');
    await flush();
    expect(images.current.value).toMatchObject({ name: undefined, raw: 'two words/and a slash', ack: 'none' });
    expect(images.current.value?.error).toMatch(/image name/);
    expect(factory.last.published).toHaveLength(0);
  });

  it('publishes a selection that it then shows itself', async () => {
    const { factory, images } = connected();
    await flush();
    await images.select('ocean');
    await flush();
    expect(factory.last.published[0]).toMatchObject({ topic: '/ImageSelector/image', qos: 1, retain: false });
    expect(images.current.value?.name).toBe('ocean');
    expect(images.history.value).toHaveLength(1);
  });
});
