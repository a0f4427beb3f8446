import { ConfigError } from '@gateway/service-kit';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildCli, parseCommandLine, userArgs } from './cli.js';

/** Parses like the CLI does, but throws instead of printing and exiting. */
function parse(args: string[], env: Record<string, string> = {}) {
  const program = buildCli()
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  return parseCommandLine(args, env, program);
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the command line', () => {
  it('lists every option in --help', () => {
    const help = buildCli().helpInformation();
    for (const flag of ['--url', '--sensors', '--interval', '--images-interval', '--no-images', '--prefix', '--username', '--password', '--duration', '--quiet', '--help']) {
      expect(help).toContain(flag);
    }
    let output = '';
    const program = buildCli()
      .exitOverride()
      .configureOutput({ writeOut: (text) => (output += text) });
    expect(() => program.parse(['--help'], { from: 'user' })).toThrow(CommanderError);
    expect(output).toContain('SIMULATOR_SENSORS');
    expect(output).toContain('mqtt://localhost:18831');
  });

  it('uses the defaults', () => {
    expect(parse([])).toEqual({
      url: 'mqtt://localhost:18831',
      sensors: 5,
      intervalMs: 1000,
      imagesIntervalMs: 5000,
      prefix: 'Sensor',
      username: undefined,
      password: undefined,
      durationMs: 0,
      quiet: false,
      logLevel: 'info',
    });
  });

  it('reads flags, with durations like 500ms and 2s', () => {
    const config = parse([
      '--sensors', '10', '--interval', '500ms', '--images-interval', '2s', '--url', 'mqtt://127.0.0.1:1883',
      '--prefix', 'Lab', '--username', 'sim', '--password', 'secret', '--duration', '1m', '--quiet',
    ]);
    expect(config).toMatchObject({
      sensors: 10, intervalMs: 500, imagesIntervalMs: 2000, url: 'mqtt://127.0.0.1:1883',
      prefix: 'Lab', username: 'sim', password: 'secret', durationMs: 60_000, quiet: true,
    });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { SIMULATOR_SENSORS: '3', SIMULATOR_INTERVAL: '2s', SIMULATOR_URL: 'ws://gateway:8080/mqtt', SIMULATOR_PREFIX: 'Env', LOG_LEVEL: 'debug' };
    expect(parse([], env)).toMatchObject({ sensors: 3, intervalMs: 2000, url: 'ws://gateway:8080/mqtt', prefix: 'Env', logLevel: 'debug' });
    expect(parse(['--sensors', '7'], env)).toMatchObject({ sensors: 7, intervalMs: 2000 });
    // A bad variable that a flag overrides does not matter.
    expect(parse(['--sensors', '7'], { SIMULATOR_SENSORS: 'many' })).toMatchObject({ sensors: 7 });
  });

  it('disables the image publisher with --no-images or an interval of 0', () => {
    expect(parse(['--no-images']).imagesIntervalMs).toBe(0);
    expect(parse(['--images-interval', '0']).imagesIntervalMs).toBe(0);
    expect(parse([], { SIMULATOR_IMAGES_INTERVAL: '0' }).imagesIntervalMs).toBe(0);
  });

  it('names the flag when --sensors is bad', () => {
    for (const bad of ['abc', '0', '-3', '2.5', '100000']) {
      const error = configError(() => parse(['--sensors', bad]));
      expect(error.message).toContain('--sensors');
      expect(error.message).toContain(JSON.stringify(bad));
    }
  });

  it('names the flag when --interval is bad', () => {
    for (const bad of ['soon', '1x', '0', '5ms']) {
      const error = configError(() => parse(['--interval', bad]));
      expect(error.message).toContain('--interval');
    }
    expect(configError(() => parse(['--interval', 'soon'])).message).toMatch(/duration such as 500ms/);
  });

  it('names the variable when the environment is bad, and reports every problem at once', () => {
    const error = configError(() => parse(['--url', 'http://example.com'], { SIMULATOR_INTERVAL: 'often', LOG_LEVEL: 'loud' }));
    expect(error.issues).toHaveLength(3);
    expect(error.message).toContain('SIMULATOR_INTERVAL');
    expect(error.message).toContain('LOG_LEVEL');
    expect(error.message).toContain('--url');
  });

  it('rejects an image interval that would flood the display', () => {
    expect(configError(() => parse(['--images-interval', '1ms'])).message).toContain('--images-interval');
  });

  it('rejects prefixes that would make invalid sensor ids', () => {
    expect(configError(() => parse(['--prefix', 'a/b'])).message).toContain('--prefix');
  });

  it('rejects unknown flags and stray arguments', () => {
    expect(() => parse(['--sensor', '3'])).toThrow(CommanderError);
    expect(() => parse(['3'])).toThrow(CommanderError);
  });

  it('drops the "--" that pnpm passes through', () => {
    expect(userArgs(['node', 'main.ts', '--', '--sensors', '2'])).toEqual(['--sensors', '2']);
    expect(userArgs(['node', 'main.ts', '--sensors', '2'])).toEqual(['--sensors', '2']);
  });
});
