import { matchesMediaType } from '@switchyard/core';
import type { ShownMessage } from './deadLetters.js';
import { mediaTypeOf } from './mediaType.js';
import { printableBody } from './text.js';

/** `switchyard tail`'s filters: every one given must match. */
export interface MessageFilter {
  /** The media type, or a pattern ending in `*`. */
  readonly mediaType?: string;
  /** The key exactly (Kafka: the record key; SQS: the FIFO MessageGroupId). */
  readonly key?: string;
  /** Tested against the body as text (a body that is not UTF-8: its base64). */
  readonly grep?: RegExp;
}

export function matchesFilter(filter: MessageFilter): (message: ShownMessage) => boolean {
  return (message) => {
    if (filter.key !== undefined && message.key !== filter.key) return false;
    if (filter.mediaType !== undefined) {
      const mediaType = mediaTypeOf(message.attributes, message.body);
      if (mediaType === undefined || !matchesMediaType(filter.mediaType, mediaType)) return false;
    }
    return filter.grep === undefined || filter.grep.test(printableBody(message.body).text);
  };
}
