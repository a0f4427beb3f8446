// The image publisher, like the classic Python sample: every few seconds it publishes the name of a
// random known image, as plain text at QoS1, on /ImageSelector/image, over its own connection.
import { imageSelection, imageSelectionTopic, KNOWN_IMAGES, type KnownImage } from '@gateway/topics';
import { SimulatorConnection, type PublisherSettings } from './connection.js';
import type { Rng } from './random-walk.js';

export interface ImagePublisherOptions extends PublisherSettings {
  clientId: string;
}

/** A random known image, different from `previous` so the display visibly changes. */
export function pickImage(rng: Rng, previous?: KnownImage): KnownImage {
  const choices = KNOWN_IMAGES.filter((name) => name !== previous);
  const choice = choices[Math.floor(rng() * choices.length)] ?? KNOWN_IMAGES[0];
  return choice;
}

export class ImagePublisher {
  readonly connection: SimulatorConnection;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private previous: KnownImage | undefined;

  constructor(private readonly options: ImagePublisherOptions) {
    this.connection = new SimulatorConnection({
      url: options.url,
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      reconnectPeriodMs: options.reconnectPeriodMs,
      logger: options.logger,
      onChange: options.onChange,
      // Selections start with the first connect; later outages skip them instead.
      onConnect: () => {
        if (this.timer === undefined && !this.closing) this.timer = setInterval(() => this.publishImage(), options.intervalMs);
      },
    });
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    await this.connection.close();
  }

  private publishImage(): void {
    const { counters, logger } = this.options;
    const image = pickImage(this.options.rng, this.previous);
    const accepted = this.connection.tryPublish(imageSelectionTopic(), imageSelection.payload.encode(image), imageSelection, (error) => {
      if (error) {
        counters.imagesSkipped += 1;
        logger.debug({ image, err: error.message }, 'image selection not acknowledged');
      } else {
        counters.imagesSent += 1;
        logger.debug({ image }, 'image selected');
      }
    });
    if (accepted) this.previous = image;
    else counters.imagesSkipped += 1;
  }
}
