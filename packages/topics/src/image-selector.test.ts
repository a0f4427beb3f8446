// Image selector topics: the plain-text image name, the JSON acknowledgement, and the TOPICS catalogue.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IMAGE_SELECTOR_ROOT,
  KNOWN_IMAGES,
  type ImageAck,
  imageAck,
  imageAckTopic,
  imageNameSchema,
  imageSelection,
  imageSelectionTopic,
  isImageAckTopic,
  isImageSelectionTopic,
  isKnownImage,
} from './image-selector.js';
import { TOPICS } from './index.js';
import { isValidTopicFilter, isValidTopicName, matchTopic } from './match.js';
import { PayloadError } from './payload-codec.js';
import { sensorReadings, sensorStatus } from './sensors.js';

const imageName = fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/);

const ack: fc.Arbitrary<ImageAck> = fc.record({
  image: fc.oneof(fc.constantFrom(...KNOWN_IMAGES), imageName),
  known: fc.boolean(),
  by: fc.string({ maxLength: 256 }),
  ts: fc.nat(),
});

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('image selector topics', () => {
  it('are the classic /ImageSelector topics', () => {
    expect(IMAGE_SELECTOR_ROOT).toBe('/ImageSelector');
    expect(imageSelectionTopic()).toBe('/ImageSelector/image');
    expect(imageAckTopic()).toBe('/ImageSelector/ack');
    expect(isValidTopicName(imageSelectionTopic())).toBe(true);
    expect(isValidTopicName(imageAckTopic())).toBe(true);
  });

  it('recognise exactly their own topic', () => {
    expect(isImageSelectionTopic('/ImageSelector/image')).toBe(true);
    expect(isImageAckTopic('/ImageSelector/ack')).toBe(true);
    for (const topic of ['/ImageSelector/ack', 'ImageSelector/image', '/ImageSelector/image/', '/imageselector/image', '/ImageSelector/+', '']) {
      expect(isImageSelectionTopic(topic), topic).toBe(false);
    }
    for (const topic of ['/ImageSelector/image', 'ImageSelector/ack', '/ImageSelector/ack/x', '/ImageSelector/#']) {
      expect(isImageAckTopic(topic), topic).toBe(false);
    }
  });

  it('have filters that match their topics and are published QoS 1 unretained', () => {
    expect(imageSelection).toMatchObject({ filter: '/ImageSelector/image', qos: 1, retain: false });
    expect(imageAck).toMatchObject({ filter: '/ImageSelector/ack', qos: 1, retain: false });
    expect(matchTopic(imageSelection.filter, imageSelectionTopic())).toBe(true);
    expect(matchTopic(imageAck.filter, imageAckTopic())).toBe(true);
    expect(matchTopic(imageSelection.filter, imageAckTopic())).toBe(false);
    expect(matchTopic(`${IMAGE_SELECTOR_ROOT}/#`, imageAckTopic())).toBe(true);
  });
});

describe('isKnownImage', () => {
  it.each(KNOWN_IMAGES)('knows %s', (name) => {
    expect(isKnownImage(name)).toBe(true);
  });

  it('does not know other names, and is case-sensitive', () => {
    for (const name of ['', 'Sunrise', 'SUNRISE', 'sunrise ', 'sunrise.png', 'moon', 'constructor', 'toString']) {
      expect(isKnownImage(name), name).toBe(false);
    }
  });

  it('lists each known image once, each a valid image name', () => {
    expect(new Set(KNOWN_IMAGES).size).toBe(KNOWN_IMAGES.length);
    for (const name of KNOWN_IMAGES) expect(imageNameSchema.safeParse(name).success, name).toBe(true);
  });
});

describe('image name codec (plain text)', () => {
  const codec = imageSelection.payload;

  it('encodes the bare name, as the classic Python sample publishes it', () => {
    expect(text(codec.encode('sunrise'))).toBe('sunrise');
    expect(codec.encode('sunrise')).toEqual(new TextEncoder().encode('sunrise'));
  });

  it('decodes the bare name from bytes or a string, known or not', () => {
    expect(codec.decode(new TextEncoder().encode('forest'))).toEqual({ ok: true, value: 'forest' });
    expect(codec.decode('my-photo_2.v1')).toEqual({ ok: true, value: 'my-photo_2.v1' });
  });

  it('does not treat the payload as JSON', () => {
    expect(codec.decode('"sunrise"').ok).toBe(false);
    expect(codec.decode('{"image":"sunrise"}').ok).toBe(false);
  });

  it('round-trips any valid name', () => {
    fc.assert(
      fc.property(imageName, (name) => {
        expect(codec.decode(codec.encode(name))).toEqual({ ok: true, value: name });
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['', 'empty'],
    ['a/b', 'a slash'],
    ['/ImageSelector/image', 'a topic'],
    ['two words', 'a space'],
    [' sunrise', 'a leading space'],
    ['sunrise\n', 'a trailing newline'],
    ['sunrise\t', 'a tab'],
    ['ocean+', 'a wildcard'],
    ['ocean#', 'a wildcard'],
    ['wörld', 'a non-ASCII letter'],
    ['x'.repeat(129), 'over 128 characters'],
  ])('rejects %j (%s) with a readable error', (name) => {
    const result = codec.decode(name);
    expect(result).toEqual({ ok: false, error: 'image name must be 1-128 letters, digits, ., _ or -' });
    expect(() => codec.encode(name)).toThrow(PayloadError);
    expect(() => codec.encode(name)).toThrow('invalid payload: image name must be 1-128 letters, digits, ., _ or -');
  });

  it('accepts exactly 128 characters', () => {
    expect(codec.decode('x'.repeat(128))).toEqual({ ok: true, value: 'x'.repeat(128) });
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(codec.decode(new Uint8Array([0x73, 0x75, 0x6e, 0xff]))).toEqual({ ok: false, error: 'payload is not valid UTF-8' });
  });
});

describe('image acknowledgement codec (JSON)', () => {
  const codec = imageAck.payload;
  const sample: ImageAck = { image: 'sunrise', known: true, by: 'display-1', ts: 1_700_000_000_000 };

  it('encodes JSON {image, known, by, ts} and decodes it back', () => {
    expect(JSON.parse(text(codec.encode(sample)))).toEqual(sample);
    expect(codec.decode(codec.encode(sample))).toEqual({ ok: true, value: sample });
    expect(codec.decode(JSON.stringify(sample))).toEqual({ ok: true, value: sample });
  });

  it('round-trips any valid acknowledgement', () => {
    fc.assert(
      fc.property(ack, (value) => {
        expect(codec.decode(codec.encode(value))).toEqual({ ok: true, value });
      }),
      { numRuns: 500 },
    );
  });

  it('rejects invalid acknowledgements with the field in the error', () => {
    const cases: [unknown, string][] = [
      [{ ...sample, image: 'a/b' }, 'image'],
      [{ ...sample, known: 'yes' }, 'known'],
      [{ ...sample, by: 'x'.repeat(257) }, 'by'],
      [{ ...sample, ts: -1 }, 'ts'],
      [{ ...sample, ts: 1.5 }, 'ts'],
      [{ image: 'sunrise', known: true, by: 'd' }, 'ts'],
    ];
    for (const [value, field] of cases) {
      const result = codec.decode(JSON.stringify(value));
      expect(result.ok, JSON.stringify(value)).toBe(false);
      if (!result.ok) expect(result.error).toMatch(new RegExp(`^${field}: `));
      expect(() => codec.encode(value as ImageAck)).toThrow(PayloadError);
    }
  });

  it('rejects a bare image name, which is not JSON', () => {
    expect(codec.decode('sunrise')).toEqual({ ok: false, error: 'payload is not valid JSON' });
  });
});

describe('TOPICS catalogue', () => {
  it('contains each topic definition exactly once', () => {
    const definitions = [sensorReadings, sensorStatus, imageSelection, imageAck];
    expect(TOPICS).toHaveLength(definitions.length);
    for (const definition of definitions) expect(TOPICS.filter((entry) => entry === definition), definition.name).toHaveLength(1);
  });

  it('has unique names and unique, valid filters', () => {
    expect(new Set(TOPICS.map((entry) => entry.filter)).size).toBe(TOPICS.length);
    expect(new Set(TOPICS.map((entry) => entry.name)).size).toBe(TOPICS.length);
    for (const entry of TOPICS) {
      expect(isValidTopicFilter(entry.filter), entry.filter).toBe(true);
      expect(entry.description.length, entry.name).toBeGreaterThan(0);
      expect([0, 1, 2]).toContain(entry.qos);
    }
  });

  it('has filters that do not overlap: a built topic matches exactly one catalogue filter', () => {
    const topics = ['/IoTSensor/Sensor01/reading', '/IoTSensor/Sensor01/status', imageSelectionTopic(), imageAckTopic()];
    for (const topic of topics) {
      expect(TOPICS.filter((entry) => matchTopic(entry.filter, topic)), topic).toHaveLength(1);
    }
  });
});
