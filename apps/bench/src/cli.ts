#!/usr/bin/env node
// `pnpm bench`: the command line of the benchmark. Without --target it starts our broker and proxy from
// their built dist/ and measures both ("ours-proxy", "ours-direct"); --compare also starts Mosquitto
// behind NGINX ("reference") and alternates between the stacks; --nginx-hop also puts NGINX in front of our
// broker ("ours-nginx"); --target measures anything else.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { runBench } from './bench-run.js';
import { readCpuProfile, topSelfTime } from './cpu-profile.js';
import { programsMissing } from './missing-programs.js';
import { nginxMissing, nginxPackages } from './nginx-proxy.js';
import { parseBenchOptions } from './options.js';
import { startOurStack, type OurStackOptions, type StartedOurStack } from './our-stack.js';
import { referenceStackMissing, startReferenceStack, type StartedReferenceStack } from './reference-stack.js';
import { formatTable, jsonLine } from './report.js';
import { allScenarios, filterScenarios } from './scenarios.js';
import { parseTargets, type Target } from './targets.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

const program = new Command('gateway-bench')
  .description('Load generator for MQTT brokers and proxies: fan-in, fan-out and idle-connection scenarios over raw TCP and WebSocket.')
  .option('--target <url>', 'system under test: mqtt://host:port or ws://host:port/path, optionally name=url; repeatable', collect)
  .option('--compare', 'start our stack and Mosquitto behind NGINX, and run every scenario against both alternately')
  .option('--nginx-hop', "also run every scenario through NGINX in front of our broker (ours-nginx): the proxy hop's cost with NGINX as the proxy")
  .option('--rounds <n>', 'runs of each scenario per target (default 1; 3 with --compare, the least it accepts)')
  .option('--duration <time>', 'publishing time of each run: 5s, 500ms, 1m (a bare number is seconds)', '5s')
  .option('--quick', 'smoke test for CI: 0.5 s runs, 1 round, few connections')
  .option('--scenario <patterns>', 'comma-separated name patterns, * for any text: fan-in, qos1*tcp, idle')
  .option('--json <file>', 'also write all runs, medians and ratios to this JSON file')
  .option('--publishers <n>', 'publishers of the fan-in scenarios', '4')
  .option('--subscribers <n>', 'subscribers of the fan-out scenarios', '10')
  .option('--idle-connections <n>', 'connections the idle scenarios hold open', '1000')
  .option('--idle-hold <time>', 'how long the idle connections are held before memory is read', '2s')
  .option('--window <n>', 'QoS 1 messages in flight (awaiting PUBACK) per publisher', '32')
  .option('--qos0-window <n>', 'QoS 0 messages per publisher sent but not yet delivered to all subscribers; 0 for an unbounded flood', '1000')
  .option('--rate <n>', 'messages per second per publisher; 0 for as fast as possible', '0')
  .option('--threads <n>', 'worker threads per role (publishers, subscribers)', '2')
  .option('--drain-timeout <time>', 'how long to wait for the last PUBACKs and deliveries after publishing stops', '10s')
  .option('--nginx-workers <n>', 'NGINX worker processes, in the reference stack and with --nginx-hop', '1')
  .option('--proxy-workers <n>', 'worker processes of our proxy (PROXY_WORKERS)', '1')
  .option('--cpu-prof <dir>', 'record V8 CPU profiles of our broker and proxy (node --cpu-prof) and list their top self-time functions');

async function main(): Promise<void> {
  program.parse();
  const options = parseBenchOptions(program.opts());
  const scenarios = filterScenarios(
    allScenarios({ publishers: options.publishers, subscribers: options.subscribers, idleConnections: options.idleConnections }),
    options.scenario,
  );
  if (scenarios.length === 0) throw new Error(`--scenario ${options.scenario ?? ''} matches no scenario`);
  if (options.compare) {
    const missing = referenceStackMissing();
    if (missing !== undefined) throw new Error(missing);
  }
  if (options.nginxHop) {
    const missing = programsMissing(nginxMissing(), '--nginx-hop needs NGINX', nginxPackages);
    if (missing !== undefined) throw new Error(missing);
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const cpuProfileDir = options.cpuProfileDir === undefined ? undefined : resolve(options.cpuProfileDir);
  if (cpuProfileDir !== undefined) await mkdir(cpuProfileDir, { recursive: true });

  let ours: StartedOurStack | undefined;
  let reference: StartedReferenceStack | undefined;
  const stop = async () => {
    await reference?.close();
    await ours?.close();
  };
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let targets: Target[];
    if (options.targets.length > 0) {
      targets = parseTargets(options.targets);
    } else {
      const stackOptions: OurStackOptions = { proxyWorkers: options.proxyWorkers };
      const withNginx: OurStackOptions = { ...stackOptions, nginxWorkers: options.nginxWorkers };
      const started = options.nginxHop ? withNginx : stackOptions;
      ours = await startOurStack(cpuProfileDir === undefined ? started : { ...started, cpuProfileDir });
      // Fresh copies (for the idle scenarios' memory readings) are never profiled, and start NGINX only for
      // the target that goes through it.
      const freshOurs = (which: 'proxy' | 'direct' | 'nginx') => async () => {
        const stack = await startOurStack(which === 'nginx' ? withNginx : stackOptions);
        const target = stack.targets[which];
        if (target === undefined) throw new Error(`no ${which} target in a fresh copy of our stack`);
        return { target, close: () => stack.close() };
      };
      targets = [{ ...ours.targets.proxy, startFresh: freshOurs('proxy') }];
      if (options.compare) {
        reference = await startReferenceStack({ nginxWorkers: options.nginxWorkers });
        targets.push({ ...reference.target, startFresh: () => startReferenceStack({ nginxWorkers: options.nginxWorkers }) });
      }
      targets.push({ ...ours.targets.direct, startFresh: freshOurs('direct') });
      if (ours.targets.nginx) targets.push({ ...ours.targets.nginx, startFresh: freshOurs('nginx') });
    }
    print(jsonLine({ targets: targets.map((target) => ({ name: target.name, ...target.urls, brokerPids: target.brokerPids, proxyPids: target.proxyPids })), scenarios: scenarios.map((scenario) => scenario.name), rounds: options.rounds, durationMs: options.durationMs }));
    const report = await runBench(targets, scenarios, options, print);
    await stop();
    if (cpuProfileDir !== undefined && ours !== undefined) await printProfiles(cpuProfileDir, print);
    if (options.jsonFile !== undefined) {
      await writeFile(options.jsonFile, `${jsonLine(report)}\n`);
      print(`\nwrote ${options.jsonFile}`);
    }
    if (report.failures.length > 0) process.exitCode = 1;
  } finally {
    await stop();
  }
}

async function printProfiles(dir: string, print: (line: string) => void): Promise<void> {
  for (const service of ['broker', 'proxy']) {
    const path = join(dir, `${service}.cpuprofile`);
    try {
      const top = topSelfTime(await readCpuProfile(path), 10);
      print(`\n== ${service}: top 10 self time (${path}) ==`);
      print(formatTable(['function', 'self ms', '%'], top.map((entry) => [entry.function, entry.selfMs.toFixed(1), entry.percent.toFixed(1)])));
    } catch (error) {
      print(`\n${service}: no CPU profile (${(error as Error).message})`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway-bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
