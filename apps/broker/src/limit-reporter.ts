// One place where a triggered connection limit is counted (gateway_broker_limit_rejections_total) and
// logged: one warn line naming the limit, the listener, the remote address and the client id when known.
import type { Logger } from '@gateway/service-kit';
import type { ListenerName } from './connections.js';

/** The limits the broker enforces, as the `limit` label of gateway_broker_limit_rejections_total. */
export const limitNames = [
  'max_connections',
  'max_connections_per_address',
  'connect_rate',
  'connect_timeout',
  'connect_required',
  'connect_queue',
  'packet_size',
  'inflight_inbound',
  'inflight_outbound',
  'slow_consumer',
] as const;
export type LimitName = (typeof limitNames)[number];

export interface LimitEvent {
  limit: LimitName;
  listener: ListenerName;
  remoteAddress: string | undefined;
  sourceAddress?: string | undefined;
  clientId?: string | undefined;
  /** Extra fields for the log line (the configured maximum, the value seen). */
  details?: Record<string, unknown>;
}

export type CountLimit = (limit: LimitName, listener: ListenerName) => void;

export class LimitReporter {
  constructor(
    private readonly logger: Logger,
    private readonly count: CountLimit,
  ) {}

  /** Counts and logs a limit that triggered; `action` says what the broker did about it. */
  report(event: LimitEvent, action: string): void {
    this.count(event.limit, event.listener);
    const { details, ...fields } = event;
    this.logger.warn({ ...fields, ...details }, `connection limit ${event.limit}: ${action}`);
  }
}
