import { describe, expect, it } from 'vitest';
import { sensorReadings } from '@gateway/topics/sensors';
import { SensorStore } from './sensor-store';

const reading = (seq: number, value: number, sensorId = 'Sensor01') =>
  sensorReadings.payload.encode({ sensorId, kind: 'temperature', value, unit: '°C', ts: 1_700_000_000_000 + seq * 100, seq });
const msg = (topic: string, payload: Uint8Array | string, retain = false, ts = 1000) => ({
  topic,
  payload: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload,
  qos: 0 as const,
  retain,
  ts,
});

describe('SensorStore', () => {
  it('keeps the typed last reading, min/max and the series', () => {
    const store = new SensorStore({ capacity: 100 });
    for (const [seq, value] of [[1, 20], [2, 25], [3, 18]] as const) store.apply(msg('/IoTSensor/Sensor01/reading', reading(seq, value)));
    const sensor = store.sensors.get('Sensor01')!;
    expect(sensor).toMatchObject({ kind: 'temperature', unit: '°C', lastValue: 18, min: 18, max: 25, readings: 3, lastSeq: 3, gaps: 0, lastSeen: 1000 });
    expect(sensor.series.length).toBe(3);
  });

  it('follows the status topic, including a last-will offline', () => {
    const store = new SensorStore();
    store.apply(msg('/IoTSensor/S2/status', 'online', true));
    expect(store.sensors.get('S2')!.status).toBe('online');
    store.apply(msg('/IoTSensor/S2/status', 'offline'));
    expect(store.sensors.get('S2')!.status).toBe('offline');
    store.apply(msg('/IoTSensor/S2/status', ''));
    expect(store.sensors.get('S2')!.status).toBeUndefined();
  });

  it('keeps invalid payloads raw without breaking the sensor', () => {
    const store = new SensorStore();
    store.apply(msg('/IoTSensor/S3/reading', reading(1, 21, 'S3')));
    store.apply(msg('/IoTSensor/S3/reading', '{"value": "hot"}'));
    store.apply(msg('/IoTSensor/S3/reading', new Uint8Array([0xff, 0x00])));
    store.apply(msg('/IoTSensor/S3/status', 'sleeping'));
    store.apply(msg('/IoTSensor/S3/reading', reading(2, 22, 'Other')));
    const sensor = store.sensors.get('S3')!;
    expect(sensor.lastValue).toBe(21);
    expect(sensor.invalid).toBe(4);
    expect(sensor.lastInvalid?.error).toMatch(/does not match the topic/);
  });

  it('counts sequence gaps and ignores other topics', () => {
    const store = new SensorStore();
    store.apply(msg('/IoTSensor/S4/reading', reading(1, 1, 'S4')));
    store.apply(msg('/IoTSensor/S4/reading', reading(5, 1, 'S4')));
    expect(store.sensors.get('S4')!.gaps).toBe(1);
    expect(store.apply(msg('/IoTSensor/S4/other', 'x'))).toBe(false);
    expect(store.apply(msg('IoTSensor/S4/reading', 'x'))).toBe(false);
  });

  it('stays bounded at 10 readings per second for an hour and more', () => {
    const store = new SensorStore({ capacity: 36_000 });
    for (let seq = 0; seq < 40_000; seq += 1) store.apply(msg('/IoTSensor/Fast/reading', reading(seq, Math.sin(seq / 100), 'Fast')));
    expect(store.sensors.get('Fast')!.series.length).toBe(36_000);
    expect(store.sensors.get('Fast')!.readings).toBe(40_000);
  });

  it('lists sensors in natural order', () => {
    const store = new SensorStore();
    for (const id of ['Sensor10', 'Sensor2', 'Sensor1']) store.apply(msg(`/IoTSensor/${id}/status`, 'online'));
    expect(store.list().map((sensor) => sensor.id)).toEqual(['Sensor1', 'Sensor2', 'Sensor10']);
  });
});
