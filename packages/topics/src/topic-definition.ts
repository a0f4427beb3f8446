// What the stack knows about each topic: its filter, how it is published, and its payload codec.
import type { PayloadCodec } from './payload-codec.js';

export interface TopicDefinition<T> {
  /** A short name for docs and the dashboard. */
  readonly name: string;
  /** The filter that matches every topic of this kind (for subscribing). */
  readonly filter: string;
  /** The QoS publishers use. */
  readonly qos: 0 | 1 | 2;
  /** Whether publishers set the retain flag. */
  readonly retain: boolean;
  readonly description: string;
  readonly payload: PayloadCodec<T>;
}
