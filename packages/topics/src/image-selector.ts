// Image selector topics: the name of the image to show arrives on /ImageSelector/image (plain text,
// as the classic Python sample publishes it) and the display acknowledges on /ImageSelector/ack.
import { z } from 'zod';
import { jsonCodec, textCodec } from './payload-codec.js';
import type { TopicDefinition } from './topic-definition.js';

export const IMAGE_SELECTOR_ROOT = '/ImageSelector';

/** The images the dashboard ships with; the simulator picks from these. */
export const KNOWN_IMAGES = ['sunrise', 'forest', 'ocean', 'mountain', 'desert', 'city', 'meadow', 'glacier'] as const;
export type KnownImage = (typeof KNOWN_IMAGES)[number];

export function isKnownImage(name: string): name is KnownImage {
  return (KNOWN_IMAGES as readonly string[]).includes(name);
}

/** Any image name: 1 to 128 letters, digits, `.`, `_` or `-` (known or not: the display shows unknown ones as such). */
export const imageNameSchema = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'image name must be 1-128 letters, digits, ., _ or -');

export const imageAckSchema = z.object({
  image: imageNameSchema,
  /** Whether the display had that image. */
  known: z.boolean(),
  /** The acknowledging client's id. */
  by: z.string().max(256),
  ts: z.number().int().nonnegative(),
});
export type ImageAck = z.infer<typeof imageAckSchema>;

/** `/ImageSelector/image` */
export function imageSelectionTopic(): string {
  return `${IMAGE_SELECTOR_ROOT}/image`;
}

export function isImageSelectionTopic(topic: string): boolean {
  return topic === imageSelectionTopic();
}

/** `/ImageSelector/ack` */
export function imageAckTopic(): string {
  return `${IMAGE_SELECTOR_ROOT}/ack`;
}

export function isImageAckTopic(topic: string): boolean {
  return topic === imageAckTopic();
}

export const imageSelection: TopicDefinition<string> = {
  name: 'image selection',
  filter: imageSelectionTopic(),
  qos: 1,
  retain: false,
  description: 'The name of the image to show, as plain text.',
  payload: textCodec(imageNameSchema),
};

export const imageAck: TopicDefinition<ImageAck> = {
  name: 'image acknowledgement',
  filter: imageAckTopic(),
  qos: 1,
  retain: false,
  description: 'JSON {image, known, by, ts} published by a display once it shows the image.',
  payload: jsonCodec(imageAckSchema),
};
