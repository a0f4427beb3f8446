// The Image Selector display: follows /ImageSelector/image, remembers what it was asked to show,
// and acknowledges every valid name on /ImageSelector/ack with {image, known, by, ts}.
import { signal } from '@preact/signals';
import { imageAck, imageSelection, isImageSelectionTopic, isKnownImage } from '@gateway/topics/image-selector';
import { previewPayload } from '../lib/payload-format';
import type { ConnectionManager } from '../mqtt/connection';
import type { IncomingMessage } from '../mqtt/transport';

export type AckState = 'pending' | 'sent' | 'failed' | 'none';

export interface ImageSelectionEvent {
  readonly id: number;
  readonly ts: number;
  /** The valid image name, or undefined when the payload was not one. */
  readonly name: string | undefined;
  readonly known: boolean;
  /** The payload as received (shown when it is not a valid name). */
  readonly raw: string;
  readonly error: string | undefined;
  ack: AckState;
  ackError?: string;
}

export const IMAGE_HISTORY_LENGTH = 12;

export class ImageSelector {
  readonly current = signal<ImageSelectionEvent | undefined>(undefined);
  readonly history = signal<readonly ImageSelectionEvent[]>([]);
  private nextId = 1;

  constructor(private readonly manager: ConnectionManager) {}

  attach(): () => void {
    const release = this.manager.subscribe(imageSelection.filter, imageSelection.qos);
    const stop = this.manager.onMessage((message) => {
      if (isImageSelectionTopic(message.topic)) void this.handle(message);
    });
    return () => {
      stop();
      void release();
    };
  }

  /** Shows the selection and, for a valid name, publishes the acknowledgement. */
  async handle(message: IncomingMessage): Promise<ImageSelectionEvent> {
    const decoded = imageSelection.payload.decode(message.payload);
    const event: ImageSelectionEvent = decoded.ok
      ? { id: this.nextId++, ts: message.ts, name: decoded.value, known: isKnownImage(decoded.value), raw: decoded.value, error: undefined, ack: 'pending' }
      : { id: this.nextId++, ts: message.ts, name: undefined, known: false, raw: previewPayload(message.payload, 300), error: decoded.error, ack: 'none' };
    this.current.value = event;
    this.history.value = [event, ...this.history.value].slice(0, IMAGE_HISTORY_LENGTH);
    if (event.name === undefined) return event;
    try {
      const payload = imageAck.payload.encode({ image: event.name, known: event.known, by: this.manager.clientId.value, ts: Date.now() });
      await this.manager.publish(imageAck.filter, payload, { qos: imageAck.qos, retain: imageAck.retain });
      event.ack = 'sent';
    } catch (error) {
      event.ack = 'failed';
      event.ackError = error instanceof Error ? error.message : String(error);
    }
    // New array identity so views re-render with the acknowledgement's outcome.
    this.history.value = [...this.history.value];
    if (this.isShowing(event.id)) this.current.value = { ...event };
    return event;
  }

  private isShowing(id: number): boolean {
    return this.current.value?.id === id;
  }

  /** Asks every display (this one included) to show `name`. */
  async select(name: string): Promise<void> {
    await this.manager.publish(imageSelection.filter, imageSelection.payload.encode(name), { qos: imageSelection.qos, retain: imageSelection.retain });
  }
}
