// Every topic the gateway stack uses, with builders, parsers, payload codecs and wildcard matching.
import { imageAck, imageSelection } from './image-selector.js';
import { sensorReadings, sensorStatus } from './sensors.js';

export * from './match.js';
export * from './payload-codec.js';
export * from './sensors.js';
export * from './image-selector.js';
export type { TopicDefinition } from './topic-definition.js';

/** The catalogue of the stack's topics, for documentation and tools. */
export const TOPICS = [sensorReadings, sensorStatus, imageSelection, imageAck] as const;
