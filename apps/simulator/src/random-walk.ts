// Realistic-looking sensor values: a bounded random walk per sensor, driven by a seedable RNG so
// tests are deterministic. Pure: no clocks, no I/O.
import { SENSOR_KINDS, type SensorKind } from '@gateway/topics';

/** A source of uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast, seedable 32-bit PRNG (plenty for simulated readings). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d_2b_79_f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface WalkRange {
  readonly min: number;
  readonly max: number;
  /** The largest change from one reading to the next. */
  readonly maxStep: number;
  /** Decimal places readings are rounded to. */
  readonly decimals: number;
}

/** Plausible indoor ranges for each sensor kind, in the unit SENSOR_KINDS gives it. */
export const SENSOR_RANGES: Readonly<Record<SensorKind, WalkRange>> = {
  temperature: { min: 15, max: 30, maxStep: 0.3, decimals: 1 },
  humidity: { min: 30, max: 70, maxStep: 1, decimals: 1 },
  pressure: { min: 990, max: 1030, maxStep: 0.5, decimals: 1 },
  co2: { min: 400, max: 1500, maxStep: 25, decimals: 0 },
  light: { min: 0, max: 1000, maxStep: 40, decimals: 0 },
};

/** The sensor kinds in a fixed order; sensor n (from 0) measures SENSOR_KIND_ORDER[n % length]. */
export const SENSOR_KIND_ORDER = Object.keys(SENSOR_KINDS) as readonly SensorKind[];

export function sensorKindFor(index: number): SensorKind {
  const kind = SENSOR_KIND_ORDER[index % SENSOR_KIND_ORDER.length];
  if (kind === undefined) throw new RangeError(`no sensor kind for index ${index}`);
  return kind;
}

export interface RandomWalk {
  /** The current value (rounded). */
  readonly value: number;
  /** Takes one step and returns the new (rounded) value, always within [min, max]. */
  next(): number;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * Starts somewhere in the middle half of the range and moves by at most `maxStep` per step, with a
 * gentle pull towards the middle so values wander without sticking to the edges; steps that would
 * leave the range are reflected back into it.
 */
export function createRandomWalk(range: WalkRange, rng: Rng): RandomWalk {
  const { min, max, maxStep, decimals } = range;
  if (!(min < max) || !(maxStep > 0)) throw new RangeError(`invalid walk range ${JSON.stringify(range)}`);
  const span = max - min;
  const middle = min + span / 2;
  let current = min + span / 4 + rng() * (span / 2);
  return {
    get value() {
      return round(current, decimals);
    },
    next() {
      const pull = ((middle - current) / span) * maxStep * 0.5;
      const delta = Math.min(maxStep, Math.max(-maxStep, (rng() * 2 - 1) * maxStep + pull));
      let candidate = current + delta;
      if (candidate > max) candidate = max - (candidate - max);
      if (candidate < min) candidate = min + (min - candidate);
      current = Math.min(max, Math.max(min, candidate));
      return round(current, decimals);
    },
  };
}
