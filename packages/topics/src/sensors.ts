// Sensor topics: readings on /IoTSensor/<sensorId>/reading (with the classic setup's leading slash)
// and a retained online/offline status on /IoTSensor/<sensorId>/status, set to offline by a last will.
import { z } from 'zod';
import { jsonCodec, textCodec } from './payload-codec.js';
import type { TopicDefinition } from './topic-definition.js';

export const SENSOR_ROOT = '/IoTSensor';
const SENSOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Sensor ids are 1 to 64 letters, digits, `_` or `-`: safe as a single topic level. */
export const sensorIdSchema = z.string().regex(SENSOR_ID, 'sensor id must be 1-64 letters, digits, _ or -');

export const SENSOR_KINDS = {
  temperature: '°C',
  humidity: '%',
  pressure: 'hPa',
  co2: 'ppm',
  light: 'lx',
} as const;

export type SensorKind = keyof typeof SENSOR_KINDS;

export const sensorKindSchema = z.enum(Object.keys(SENSOR_KINDS) as [SensorKind, ...SensorKind[]]);

export const sensorReadingSchema = z
  .object({
    sensorId: sensorIdSchema,
    kind: sensorKindSchema,
    value: z.number(),
    unit: z.string(),
    /** Milliseconds since the epoch, when the reading was taken. */
    ts: z.number().int().nonnegative(),
    /** Per-sensor sequence number, so a consumer can see gaps. */
    seq: z.number().int().nonnegative(),
  })
  .refine((reading) => SENSOR_KINDS[reading.kind] === reading.unit, {
    message: 'unit does not match the sensor kind',
    path: ['unit'],
  });

export type SensorReading = z.infer<typeof sensorReadingSchema>;

export const sensorStatusSchema = z.enum(['online', 'offline']);
export type SensorStatus = z.infer<typeof sensorStatusSchema>;

function assertSensorId(sensorId: string): void {
  if (!SENSOR_ID.test(sensorId)) throw new TypeError(`invalid sensor id ${JSON.stringify(sensorId)}: use 1-64 letters, digits, _ or -`);
}

function parseSensorTopic(topic: string, leaf: string): { sensorId: string } | undefined {
  const levels = topic.split('/');
  if (levels.length !== 4 || levels[0] !== '' || levels[1] !== SENSOR_ROOT.slice(1) || levels[3] !== leaf) return undefined;
  const sensorId = levels[2] ?? '';
  return SENSOR_ID.test(sensorId) ? { sensorId } : undefined;
}

/** `/IoTSensor/<sensorId>/reading` */
export function sensorReadingTopic(sensorId: string): string {
  assertSensorId(sensorId);
  return `${SENSOR_ROOT}/${sensorId}/reading`;
}

export function parseSensorReadingTopic(topic: string): { sensorId: string } | undefined {
  return parseSensorTopic(topic, 'reading');
}

/** `/IoTSensor/<sensorId>/status` */
export function sensorStatusTopic(sensorId: string): string {
  assertSensorId(sensorId);
  return `${SENSOR_ROOT}/${sensorId}/status`;
}

export function parseSensorStatusTopic(topic: string): { sensorId: string } | undefined {
  return parseSensorTopic(topic, 'status');
}

export const sensorReadings: TopicDefinition<SensorReading> = {
  name: 'sensor reading',
  filter: `${SENSOR_ROOT}/+/reading`,
  qos: 0,
  retain: false,
  description: 'One JSON reading from a sensor: {sensorId, kind, value, unit, ts, seq}.',
  payload: jsonCodec(sensorReadingSchema),
};

export const sensorStatus: TopicDefinition<SensorStatus> = {
  name: 'sensor status',
  filter: `${SENSOR_ROOT}/+/status`,
  qos: 1,
  retain: true,
  description: 'Retained "online" or "offline"; "offline" is the sensor\'s last will.',
  payload: textCodec(sensorStatusSchema),
};

/** Every sensor topic. */
export const ALL_SENSOR_TOPICS = `${SENSOR_ROOT}/#`;
