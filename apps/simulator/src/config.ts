// The simulator's settings, from command-line flags and SIMULATOR_* environment variables (flags
// win), validated in one place so every error names the flag or variable that is wrong.
import { ConfigError, fields, loadConfig } from '@gateway/service-kit';
import { z } from 'zod';

export const DEFAULTS = {
  url: 'mqtt://localhost:18831',
  sensors: 5,
  intervalMs: 1000,
  imagesIntervalMs: 5000,
  prefix: 'Sensor',
} as const;

export const MAX_SENSORS = 1000;
const MIN_INTERVAL_MS = 10;

const mqttUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected an MQTT URL such as mqtt://localhost:18831 (mqtt, mqtts, ws or wss)');

const sensorCount = z.coerce
  .number({ message: 'expected a whole number' })
  .int('expected a whole number')
  .min(1, 'expected at least 1 sensor')
  .max(MAX_SENSORS, `expected at most ${MAX_SENSORS} sensors`);

/** Sensor ids are `<prefix>NN`; keep room for the number within the 64-character id limit. */
const prefix = z.string().regex(/^[A-Za-z0-9_-]{1,56}$/, 'expected 1-56 letters, digits, _ or -');

const interval = fields.duration(DEFAULTS.intervalMs).pipe(z.number().min(MIN_INTERVAL_MS, `expected at least ${MIN_INTERVAL_MS}ms`));
const imagesInterval = fields
  .duration(DEFAULTS.imagesIntervalMs)
  .pipe(z.number().refine((ms) => ms === 0 || ms >= MIN_INTERVAL_MS, `expected 0 (off) or at least ${MIN_INTERVAL_MS}ms`));
const optionalDuration = fields.duration(0);
const credential = z.string().min(1).max(65_535);

/** Each setting: its command-line flag, its environment variable (if any) and its schema. */
const SETTINGS = {
  url: { flag: '--url', variable: 'SIMULATOR_URL', schema: mqttUrl.default(DEFAULTS.url) },
  sensors: { flag: '--sensors', variable: 'SIMULATOR_SENSORS', schema: sensorCount.default(DEFAULTS.sensors) },
  interval: { flag: '--interval', variable: 'SIMULATOR_INTERVAL', schema: interval },
  imagesInterval: { flag: '--images-interval', variable: 'SIMULATOR_IMAGES_INTERVAL', schema: imagesInterval },
  prefix: { flag: '--prefix', variable: 'SIMULATOR_PREFIX', schema: prefix.default(DEFAULTS.prefix) },
  username: { flag: '--username', variable: 'SIMULATOR_USERNAME', schema: credential.optional() },
  password: { flag: '--password', variable: 'SIMULATOR_PASSWORD', schema: credential.optional() },
  duration: { flag: '--duration', variable: 'SIMULATOR_DURATION', schema: optionalDuration },
  quiet: { flag: '--quiet', variable: 'SIMULATOR_QUIET', schema: fields.flag(false) },
} as const;

type SettingName = keyof typeof SETTINGS;

/** What the command line gave (raw strings as typed, or booleans for switches); absent means "not given". */
export type CommandLineValues = Partial<Record<SettingName, string | boolean>> & {
  /** false when --no-images was given. */
  images?: boolean;
};

export interface SimulatorConfig {
  url: string;
  sensors: number;
  intervalMs: number;
  /** 0 when the image publisher is disabled. */
  imagesIntervalMs: number;
  prefix: string;
  username: string | undefined;
  password: string | undefined;
  /** Stop after this many milliseconds; 0 runs until a signal. */
  durationMs: number;
  quiet: boolean;
  logLevel: z.output<ReturnType<typeof fields.logLevel>>;
}

const envShape = {
  ...Object.fromEntries(Object.values(SETTINGS).map((setting) => [setting.variable, setting.schema])),
  LOG_LEVEL: fields.logLevel(),
} as Record<string, z.ZodType>;

/**
 * Resolves the settings: a flag given on the command line wins over its variable, which wins over
 * the default. Throws a ConfigError naming every bad flag or variable.
 */
export function resolveConfig(commandLine: CommandLineValues, env: Record<string, string | undefined> = process.env): SimulatorConfig {
  const given = (Object.keys(SETTINGS) as SettingName[]).filter((name) => commandLine[name] !== undefined);
  const overridden = new Set<string>(given.map((name) => SETTINGS[name].variable));
  const envWithoutOverridden = Object.fromEntries(Object.entries(env).filter(([variable]) => !overridden.has(variable)));

  const issues: string[] = [];
  let fromEnv: Record<string, unknown> = {};
  try {
    fromEnv = loadConfig(envShape, { env: envWithoutOverridden });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }

  const values: Partial<Record<SettingName, unknown>> = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) values[name] = fromEnv[SETTINGS[name].variable];
  for (const name of given) {
    const raw = commandLine[name];
    const result = SETTINGS[name].schema.safeParse(raw);
    if (result.success) values[name] = result.data;
    else issues.push(`${SETTINGS[name].flag}: ${result.error.issues.map((issue) => issue.message).join('; ')} (got ${JSON.stringify(raw)})`);
  }
  if (issues.length > 0) throw new ConfigError(`Invalid configuration:\n  ${issues.join('\n  ')}`, issues);

  // Every value has passed its setting's schema above; this only recovers the types.
  const parsed = z
    .object({
      url: z.string(),
      sensors: z.number(),
      interval: z.number(),
      imagesInterval: z.number(),
      prefix: z.string(),
      username: z.string().optional(),
      password: z.string().optional(),
      duration: z.number(),
      quiet: z.boolean(),
    })
    .parse(values);
  return {
    url: parsed.url,
    sensors: parsed.sensors,
    intervalMs: parsed.interval,
    imagesIntervalMs: commandLine.images === false ? 0 : parsed.imagesInterval,
    prefix: parsed.prefix,
    username: parsed.username,
    password: parsed.password,
    durationMs: parsed.duration,
    quiet: parsed.quiet,
    logLevel: fields.logLevel().parse(fromEnv.LOG_LEVEL),
  };
}
