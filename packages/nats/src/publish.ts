import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { NatsError, NatsErrorCodes } from './errors.js';
import { describe } from './NatsClient.js';
import { quote } from './names.js';

export interface PublishOptions {
  readonly headers: MsgHdrs;
  /** Nats-Msg-Id: the stream drops a second publish with the same id within its duplicate window. */
  readonly msgId: string;
  readonly timeoutMs: number;
}

/** Publishes and resolves once JetStream has stored the message (its PubAck); failures say why. */
export async function publishConfirmed(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array | string,
  { headers, msgId, timeoutMs }: PublishOptions,
): Promise<PubAck> {
  try {
    return await js.publish(subject, data, { headers, msgID: msgId, timeout: timeoutMs });
  } catch (error) {
    throw new NatsError(NatsErrorCodes.PUBLISH_FAILED, publishFailure(subject, error), { cause: error });
  }
}

/** Whether JetStream refused a message as over its stream's or the server's size limit. */
export function isTooLarge(error: unknown): boolean {
  const cause = error instanceof NatsError ? error.cause : error;
  return /maximum (payload|message size)|exceeds max|too large|max_payload/i.test(describe(cause));
}

function publishFailure(subject: string, error: unknown): string {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const text = describe(error);
  // With no stream on a subject nobody answers the publish, which the client reports as
  // "jetstream is not enabled" or "no responders".
  if (/NoResponders|JetStreamNotEnabled/.test(name) || /no responders|not enabled/i.test(text))
    return `no JetStream stream captures the subject ${quote(subject)} (or the server is down): nothing stored it; add the subject to a stream, or publish elsewhere`;
  return `JetStream did not confirm the publish to ${quote(subject)}: ${text}`;
}
