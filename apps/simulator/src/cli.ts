// The command line: the commander program (flags, help text) and turning argv into a validated
// SimulatorConfig. Flags are read as raw strings here; src/config.ts validates them with the env.
import { Command } from 'commander';
import { DEFAULTS, MAX_SENSORS, resolveConfig, type CommandLineValues, type SimulatorConfig } from './config.js';

const ENV_HELP = `
Environment (flags win over these):
  SIMULATOR_URL, SIMULATOR_SENSORS, SIMULATOR_INTERVAL, SIMULATOR_IMAGES_INTERVAL,
  SIMULATOR_PREFIX, SIMULATOR_USERNAME, SIMULATOR_PASSWORD, SIMULATOR_DURATION,
  SIMULATOR_QUIET, LOG_LEVEL (fatal|error|warn|info|debug|trace|silent, default info)

Examples:
  pnpm simulate -- --sensors 10 --interval 1s
  pnpm simulate -- --url mqtt://broker.local:1883 --no-images --duration 5m --quiet`;

/** Builds the commander program (without parsing anything). */
export function buildCli(): Command {
  return new Command('gateway-simulate')
    .description('Simulated IoT sensors and the image publisher, publishing to the gateway over MQTT.')
    .option('--url <url>', `MQTT URL to connect to (the proxy) [default: ${DEFAULTS.url}]`)
    .option('--sensors <count>', `number of simulated sensors, 1-${MAX_SENSORS}, each with its own connection [default: ${DEFAULTS.sensors}]`)
    .option('--interval <duration>', 'time between readings of each sensor, e.g. 500ms, 2s [default: 1s]')
    .option('--images-interval <duration>', 'time between image selections; 0 disables the image publisher [default: 5s]')
    .option('--no-images', 'do not run the image publisher')
    .option('--prefix <prefix>', `sensor id prefix: ids are <prefix>01, <prefix>02... [default: ${DEFAULTS.prefix}]`)
    .option('--username <name>', 'MQTT user name')
    .option('--password <password>', 'MQTT password')
    .option('--duration <duration>', 'stop after this long, e.g. 30s, 5m [default: run until Ctrl-C]')
    .option('--quiet', 'no live status line; log a status line every 10 s instead')
    .allowExcessArguments(false)
    .addHelpText('after', ENV_HELP);
}

/** Strips the `--` that `pnpm simulate -- --flags` can pass through, which would otherwise end option parsing. */
export function userArgs(argv: readonly string[]): string[] {
  const args = argv.slice(2);
  return args[0] === '--' ? args.slice(1) : args;
}

/**
 * Parses user arguments (argv without node and the script) and resolves them with the environment.
 * Help and unknown flags are handled by commander (which prints and exits, unless `program` was
 * given `exitOverride()`); bad values throw a ConfigError naming the flag or variable.
 */
export function parseCommandLine(
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
  program: Command = buildCli(),
): SimulatorConfig {
  program.parse(args, { from: 'user' });
  return resolveConfig(program.opts<CommandLineValues>(), env);
}
