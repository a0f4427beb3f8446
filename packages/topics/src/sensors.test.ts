// Sensor topics: builders, parsers, the reading and status payload codecs, and the catalogue filters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidTopicFilter, isValidTopicName, matchTopic } from './match.js';
import { PayloadError } from './payload-codec.js';
import {
  ALL_SENSOR_TOPICS,
  SENSOR_KINDS,
  type SensorKind,
  type SensorReading,
  parseSensorReadingTopic,
  parseSensorStatusTopic,
  sensorIdSchema,
  sensorReadingTopic,
  sensorReadings,
  sensorStatus,
  sensorStatusTopic,
} from './sensors.js';

const INVALID_IDS = ['', 'a/b', '/', '+', '#', 'a+', 'sensor#1', 'with space', 'ü', 'a.b', '$SYS', 'a\u0000', 'x'.repeat(65)];

/** Sensor ids as the schema defines them: 1 to 64 letters, digits, `_` or `-`. */
const sensorId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

const kind = fc.constantFrom(...(Object.keys(SENSOR_KINDS) as SensorKind[]));

const reading: fc.Arbitrary<SensorReading> = fc.record({
  sensorId,
  kind,
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  ts: fc.nat(),
  seq: fc.nat(),
}).map((fields) => ({ ...fields, unit: SENSOR_KINDS[fields.kind] }));

const sample: SensorReading = { sensorId: 'Sensor01', kind: 'temperature', value: 21.5, unit: '°C', ts: 1_700_000_000_000, seq: 7 };

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

describe('sensor topic builders', () => {
  it('build the classic topics with their leading slash', () => {
    expect(sensorReadingTopic('Sensor01')).toBe('/IoTSensor/Sensor01/reading');
    expect(sensorStatusTopic('Sensor01')).toBe('/IoTSensor/Sensor01/status');
    expect(sensorReadingTopic('a_b-9')).toBe('/IoTSensor/a_b-9/reading');
    expect(sensorReadingTopic('x'.repeat(64))).toBe(`/IoTSensor/${'x'.repeat(64)}/reading`);
  });

  it.each(INVALID_IDS)('throw a TypeError naming the invalid id %j', (id) => {
    expect(() => sensorReadingTopic(id)).toThrow(TypeError);
    expect(() => sensorStatusTopic(id)).toThrow(TypeError);
    expect(() => sensorReadingTopic(id)).toThrow(`invalid sensor id ${JSON.stringify(id)}`);
  });

  it('agree with sensorIdSchema on which ids are valid', () => {
    fc.assert(
      fc.property(fc.oneof(sensorId, fc.string({ maxLength: 70 })), (id) => {
        const valid = sensorIdSchema.safeParse(id).success;
        if (valid) expect(sensorReadingTopic(id)).toBe(`/IoTSensor/${id}/reading`);
        else expect(() => sensorReadingTopic(id)).toThrow(TypeError);
      }),
      { numRuns: 500 },
    );
  });

  it('produce valid topic names for any valid id', () => {
    fc.assert(
      fc.property(sensorId, (id) => {
        expect(isValidTopicName(sensorReadingTopic(id))).toBe(true);
        expect(isValidTopicName(sensorStatusTopic(id))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sensor topic parsers', () => {
  it('round-trip the built topics', () => {
    expect(parseSensorReadingTopic('/IoTSensor/Sensor01/reading')).toEqual({ sensorId: 'Sensor01' });
    expect(parseSensorStatusTopic('/IoTSensor/Sensor01/status')).toEqual({ sensorId: 'Sensor01' });
  });

  it.each([
    ['/IoTSensor/Sensor01/status', 'wrong leaf'],
    ['/IoTSensor/Sensor01/readings', 'wrong leaf'],
    ['/IoTSensor/Sensor01/', 'empty leaf'],
    ['IoTSensor/Sensor01/reading', 'missing leading slash'],
    ['//IoTSensor/Sensor01/reading', 'double leading slash'],
    ['x/IoTSensor/Sensor01/reading', 'non-empty first level'],
    ['/IoTSensor/Sensor01/reading/', 'trailing slash'],
    ['/IoTSensor/Sensor01/reading/extra', 'extra level'],
    ['/IoTSensor/a/b/reading', 'extra level'],
    ['/IoTSensor/reading', 'missing id'],
    ['/IoTSensor//reading', 'empty id'],
    ['/IoTSensor/+/reading', 'wildcard id'],
    ['/IoTSensor/Sensor 01/reading', 'invalid id'],
    ['/iotsensor/Sensor01/reading', 'root is case-sensitive'],
    ['/ImageSelector/Sensor01/reading', 'other root'],
    ['', 'empty'],
  ])('parseSensorReadingTopic rejects %j (%s)', (topic) => {
    expect(parseSensorReadingTopic(topic)).toBeUndefined();
  });

  it('parseSensorStatusTopic rejects readings and malformed topics', () => {
    expect(parseSensorStatusTopic('/IoTSensor/Sensor01/reading')).toBeUndefined();
    expect(parseSensorStatusTopic('IoTSensor/Sensor01/status')).toBeUndefined();
    expect(parseSensorStatusTopic('/IoTSensor/Sensor01/status/x')).toBeUndefined();
    expect(parseSensorStatusTopic('/IoTSensor/a#/status')).toBeUndefined();
  });

  it('parse(build(id)) returns the id, and each parser rejects the other kind of topic', () => {
    fc.assert(
      fc.property(sensorId, (id) => {
        expect(parseSensorReadingTopic(sensorReadingTopic(id))).toEqual({ sensorId: id });
        expect(parseSensorStatusTopic(sensorStatusTopic(id))).toEqual({ sensorId: id });
        expect(parseSensorReadingTopic(sensorStatusTopic(id))).toBeUndefined();
        expect(parseSensorStatusTopic(sensorReadingTopic(id))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('accept exactly the topics that build(parse(topic)) reproduces', () => {
    const candidate = fc.oneof(
      sensorId.map((id) => `/IoTSensor/${id}/reading`),
      fc.array(fc.oneof(fc.constantFrom('', 'IoTSensor', 'reading', 'status', 'S1'), fc.string({ maxLength: 4 })), { maxLength: 5 }).map((levels) => levels.join('/')),
    );
    fc.assert(
      fc.property(candidate, (topic) => {
        const parsed = parseSensorReadingTopic(topic);
        if (parsed !== undefined) expect(sensorReadingTopic(parsed.sensorId)).toBe(topic);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sensor topic filters', () => {
  it('are valid filters', () => {
    expect(sensorReadings.filter).toBe('/IoTSensor/+/reading');
    expect(sensorStatus.filter).toBe('/IoTSensor/+/status');
    expect(ALL_SENSOR_TOPICS).toBe('/IoTSensor/#');
    for (const filter of [sensorReadings.filter, sensorStatus.filter, ALL_SENSOR_TOPICS]) expect(isValidTopicFilter(filter), filter).toBe(true);
  });

  it('match the built topics of their own kind only', () => {
    fc.assert(
      fc.property(sensorId, (id) => {
        expect(matchTopic(sensorReadings.filter, sensorReadingTopic(id))).toBe(true);
        expect(matchTopic(sensorStatus.filter, sensorStatusTopic(id))).toBe(true);
        expect(matchTopic(sensorReadings.filter, sensorStatusTopic(id))).toBe(false);
        expect(matchTopic(sensorStatus.filter, sensorReadingTopic(id))).toBe(false);
        expect(matchTopic(ALL_SENSOR_TOPICS, sensorReadingTopic(id))).toBe(true);
        expect(matchTopic(ALL_SENSOR_TOPICS, sensorStatusTopic(id))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('do not match the classic topics without their leading slash', () => {
    expect(matchTopic(sensorReadings.filter, 'IoTSensor/Sensor01/reading')).toBe(false);
    expect(matchTopic(ALL_SENSOR_TOPICS, 'IoTSensor/Sensor01/reading')).toBe(false);
  });

  it('describe how they are published: readings QoS 0 unretained, status QoS 1 retained', () => {
    expect(sensorReadings).toMatchObject({ qos: 0, retain: false });
    expect(sensorStatus).toMatchObject({ qos: 1, retain: true });
  });
});

describe('sensor reading codec', () => {
  const codec = sensorReadings.payload;

  it('encodes a reading as JSON bytes and decodes it back', () => {
    const bytes = codec.encode(sample);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(sample);
    expect(codec.decode(bytes)).toEqual({ ok: true, value: sample });
  });

  it('decodes a JSON string as well as bytes', () => {
    expect(codec.decode(JSON.stringify(sample))).toEqual({ ok: true, value: sample });
  });

  it('round-trips any valid reading', () => {
    fc.assert(
      fc.property(reading, (value) => {
        const decoded = codec.decode(codec.encode(value));
        // JSON cannot tell -0 from 0; everything else survives exactly.
        expect(decoded).toEqual({ ok: true, value: { ...value, value: Object.is(value.value, -0) ? 0 : value.value } });
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a payload that is not JSON', () => {
    for (const payload of ['', 'not json', '{"sensorId":', '21.5 °C', utf8('{oops}')]) {
      expect(codec.decode(payload)).toEqual({ ok: false, error: 'payload is not valid JSON' });
    }
  });

  it('rejects bytes that are not valid UTF-8, without throwing', () => {
    const json = utf8(JSON.stringify(sample));
    const broken = new Uint8Array([...json.subarray(0, 20), 0xff, ...json.subarray(20)]);
    for (const payload of [new Uint8Array([0xff, 0xfe]), new Uint8Array([0xc3]), new Uint8Array([0xed, 0xa0, 0x80]), broken]) {
      expect(codec.decode(payload)).toEqual({ ok: false, error: 'payload is not valid UTF-8' });
    }
  });

  it.each(Object.entries(SENSOR_KINDS))('rejects a %s reading in any unit but %j', (kindName, unit) => {
    const wrongUnits = [...Object.values(SENSOR_KINDS).filter((other) => other !== unit), 'C', ''];
    for (const wrong of wrongUnits) {
      const result = codec.decode(JSON.stringify({ ...sample, kind: kindName, unit: wrong }));
      expect(result).toEqual({ ok: false, error: 'unit: unit does not match the sensor kind' });
    }
    expect(codec.decode(JSON.stringify({ ...sample, kind: kindName, unit })).ok).toBe(true);
  });

  it('rejects a value that is not a finite number', () => {
    // JSON has no NaN or Infinity, but 1e400 parses to Infinity.
    const infinite = codec.decode(JSON.stringify(sample).replace('21.5', '1e400'));
    expect(infinite.ok).toBe(false);
    if (!infinite.ok) expect(infinite.error).toMatch(/^value: /);
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '21.5', null]) {
      const result = codec.validate({ ...sample, value });
      expect(result.ok, String(value)).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^value: /);
    }
  });

  it('names every missing or invalid field in its error', () => {
    const { value: _value, seq: _seq, ...partial } = sample;
    const missing = codec.decode(JSON.stringify(partial));
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.error).toMatch(/(^|; )value: /);
      expect(missing.error).toMatch(/(^|; )seq: /);
      expect(missing.error).not.toMatch(/sensorId|kind|unit|ts/);
    }
    const invalid = codec.decode(JSON.stringify({ ...sample, sensorId: 'a/b', ts: -1, seq: 1.5 }));
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error).toContain('sensorId: sensor id must be 1-64 letters, digits, _ or -');
      expect(invalid.error).toMatch(/(^|; )ts: /);
      expect(invalid.error).toMatch(/(^|; )seq: /);
    }
    const unknownKind = codec.decode(JSON.stringify({ ...sample, kind: 'voltage', unit: 'V' }));
    expect(unknownKind.ok).toBe(false);
    if (!unknownKind.ok) expect(unknownKind.error).toMatch(/^kind: /);
  });

  it('rejects JSON that is not an object', () => {
    for (const payload of ['null', '[]', '42', '"reading"', 'true']) {
      const result = codec.decode(payload);
      expect(result.ok, payload).toBe(false);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
    }
  });

  it('drops unknown fields', () => {
    expect(codec.decode(JSON.stringify({ ...sample, extra: true }))).toEqual({ ok: true, value: sample });
  });

  it('encode throws a PayloadError naming the problem for an invalid reading', () => {
    const invalid = [
      { ...sample, unit: '%' },
      { ...sample, sensorId: '' },
      { ...sample, value: Number.NaN },
      { ...sample, value: Number.POSITIVE_INFINITY },
      { ...sample, ts: -1 },
      { ...sample, seq: 0.5 },
    ];
    for (const value of invalid) {
      expect(() => codec.encode(value)).toThrow(PayloadError);
      expect(() => codec.encode(value)).toThrow(/^invalid payload: \w+: /);
    }
    // A caller bypassing the types gets the same error rather than a crash or `undefined` fields.
    expect(() => codec.encode({ sensorId: 'Sensor01' } as unknown as SensorReading)).toThrow(PayloadError);
  });

  it('validate checks an already-parsed value', () => {
    expect(codec.validate(sample)).toEqual({ ok: true, value: sample });
    expect(codec.validate({ ...sample, unit: 'K' }).ok).toBe(false);
    expect(codec.schema.safeParse(sample).success).toBe(true);
  });
});

describe('sensor status codec', () => {
  const codec = sensorStatus.payload;

  it('carries online and offline as plain text', () => {
    expect(new TextDecoder().decode(codec.encode('online'))).toBe('online');
    expect(new TextDecoder().decode(codec.encode('offline'))).toBe('offline');
    expect(codec.decode(utf8('online'))).toEqual({ ok: true, value: 'online' });
    expect(codec.decode('offline')).toEqual({ ok: true, value: 'offline' });
  });

  it('rejects any other word, JSON-quoted words included', () => {
    for (const payload of ['', 'Online', 'ONLINE', ' online', 'online\n', '"online"', 'unknown']) {
      expect(codec.decode(payload).ok, JSON.stringify(payload)).toBe(false);
    }
    expect(codec.decode(new Uint8Array([0x6f, 0xff]))).toEqual({ ok: false, error: 'payload is not valid UTF-8' });
  });

  it('encode throws a PayloadError for another word', () => {
    expect(() => codec.encode('away' as 'online')).toThrow(PayloadError);
  });
});
