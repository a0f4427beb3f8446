// Loads a service's configuration from environment variables and an optional JSON file, validated
// by a zod schema keyed by variable name, so every error names the variable that is wrong.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The environment to read; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** The variable that may name a JSON file of settings (same keys); environment values win over it. */
  fileVariable?: string;
}

type Shape = Record<string, z.ZodType>;

/** Parses settings for `shape` from the environment (and the optional file), or throws a ConfigError naming each bad variable. */
export function loadConfig<S extends Shape>(shape: S, options: LoadConfigOptions = {}): z.output<z.ZodObject<S>> {
  const env = options.env ?? process.env;
  const fromFile = options.fileVariable ? readConfigFile(options.fileVariable, env[options.fileVariable]) : {};
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key] ?? fromFile[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  for (const key of Object.keys(fromFile)) {
    if (!(key in shape)) {
      throw new ConfigError(`Invalid configuration: ${key} (in ${String(env[options.fileVariable ?? ''])}) is not a known setting`, [key]);
    }
  }
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(config)';
    const got = issue.path.length > 0 ? input[String(issue.path[0])] : undefined;
    return `${key}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
  });
  throw new ConfigError(`Invalid configuration:\n  ${issues.join('\n  ')}`, issues);
}

function readConfigFile(variable: string, path: string | undefined): Record<string, unknown> {
  if (path === undefined || path === '') return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable}: cannot read ${path} (${(error as Error).message})`, [variable]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable}: ${path} is not valid JSON (${(error as Error).message})`, [variable]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`Invalid configuration: ${variable}: ${path} must hold a JSON object of settings`, [variable]);
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}
