import { createHash } from 'node:crypto';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers as newHeaders, type MsgHdrs } from '@nats-io/transport-node';
import {
  boundedText,
  DEAD_LETTER_ATTRIBUTES,
  type DeadLetterDetails,
  type DeadLetterResult,
} from '@switchyard/core';
import { isTooLarge, publishConfirmed } from './publish.js';

/** Headers a NATS dead letter carries, besides the original's own. */
export const NATS_DEAD_LETTER_HEADERS = {
  reason: DEAD_LETTER_ATTRIBUTES.reason,
  attempts: DEAD_LETTER_ATTRIBUTES.attempts,
  source: DEAD_LETTER_ATTRIBUTES.source,
  stream: 'x-original-stream',
  sequence: 'x-original-sequence',
  /** The original's Nats-Msg-Id, which the copy cannot keep (its own id makes a resend a no-op). */
  msgId: 'x-original-msg-id',
  /** `true` on a bounded record: the whole copy could not fit, so its body is cut. */
  bounded: 'x-dead-letter-bounded',
  boundedReason: 'x-dead-letter-bounded-reason',
  size: 'x-original-size',
  sha256: 'x-original-sha256',
} as const;

/** Longest reason a header carries, in UTF-8 bytes. */
export const REASON_MAX_BYTES = 4096;
// NATS/1.0 status line and the blank line that ends the header block, plus ": " and CRLF per header.
const HEADER_FRAME_BYTES = 12;
const PER_HEADER_BYTES = 4;
// Room for the Nats-Msg-Id header the publish adds.
const MSG_ID_BYTES = 256;

/**
 * Publishes a dead letter and waits for JetStream to store it: the body as received, the original
 * headers (but `Nats-*` ones, which the server would act on again), why, from where and after how
 * many attempts. Its Nats-Msg-Id is the original's stream and sequence, so a copy sent again after a
 * crash within the duplicate window is stored once. A copy that cannot fit (the server's
 * max_payload or the dead-letter stream's max_msg_size) becomes a bounded record.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly js: () => JetStreamClient,
    readonly subject: string,
    private readonly maxBytes: number,
    private readonly timeoutMs: number,
  ) {}

  async send(message: JsMsg, details: DeadLetterDetails): Promise<DeadLetterResult | void> {
    const headers = this.#headers(message, details, true);
    const bytes = message.data.length + headersBytes(headers);
    let refusal: string;
    if (bytes <= this.maxBytes) {
      try {
        await this.#publish(message, message.data, headers);
        return;
      } catch (error) {
        if (!isTooLarge(error)) throw error;
        refusal = `the dead-letter stream refused the ${bytes}-byte copy as too large`;
      }
    } else
      refusal = `the copy is ${bytes} bytes with its headers, over the ${this.maxBytes} the dead-letter subject takes`;
    const why = `${refusal}; wrote a bounded record (the body cut, its size and SHA-256 kept, original headers dropped)`;
    const bounded = this.#headers(message, details, false);
    bounded.set(NATS_DEAD_LETTER_HEADERS.bounded, 'true');
    bounded.set(NATS_DEAD_LETTER_HEADERS.boundedReason, headerValue(why));
    bounded.set(NATS_DEAD_LETTER_HEADERS.size, String(message.data.length));
    bounded.set(NATS_DEAD_LETTER_HEADERS.sha256, createHash('sha256').update(message.data).digest('hex'));
    const room = Math.max(0, this.maxBytes - headersBytes(bounded));
    await this.#publish(message, message.data.subarray(0, room), bounded);
    return { kind: 'bounded', why };
  }

  #publish(message: JsMsg, body: Uint8Array, headers: MsgHdrs): Promise<unknown> {
    const { stream, streamSequence } = message.info;
    return publishConfirmed(this.js(), this.subject, body, {
      headers,
      msgId: `dead-letter:${stream}:${streamSequence}`,
      timeoutMs: this.timeoutMs,
    });
  }

  #headers(message: JsMsg, details: DeadLetterDetails, withOriginal: boolean): MsgHdrs {
    const headers = newHeaders();
    if (withOriginal)
      for (const [name, values] of message.headers ?? [])
        if (!/^nats-/i.test(name)) for (const value of values) headers.append(name, value);
    const originalId = message.headers?.get('Nats-Msg-Id');
    if (originalId) headers.set(NATS_DEAD_LETTER_HEADERS.msgId, originalId);
    headers.set(NATS_DEAD_LETTER_HEADERS.reason, headerValue(details.reason));
    headers.set(NATS_DEAD_LETTER_HEADERS.attempts, String(details.attempts));
    headers.set(NATS_DEAD_LETTER_HEADERS.source, message.subject);
    headers.set(NATS_DEAD_LETTER_HEADERS.stream, message.info.stream);
    headers.set(NATS_DEAD_LETTER_HEADERS.sequence, String(message.info.streamSequence));
    return headers;
  }
}

/** A header value NATS accepts: one line, bounded. */
function headerValue(text: string): string {
  return boundedText(text.replace(/[\r\n]+/g, ' '), REASON_MAX_BYTES);
}

function headersBytes(headers: MsgHdrs): number {
  let bytes = HEADER_FRAME_BYTES + MSG_ID_BYTES;
  for (const [name, values] of headers)
    for (const value of values)
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + PER_HEADER_BYTES;
  return bytes;
}
