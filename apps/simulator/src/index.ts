// Public API: start simulated sensors and the image publisher from code (tests, other tools).
export { startSimulator, type SimulatorOptions, type StartedSimulator } from './simulator.js';
export type { ConnectionState, SimulatorStats } from './stats.js';
export { createRandomWalk, createRng, SENSOR_RANGES, type RandomWalk, type Rng, type WalkRange } from './random-walk.js';
export { resolveConfig, type SimulatorConfig } from './config.js';
