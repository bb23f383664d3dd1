import type { JsMsg } from '@nats-io/jetstream';
import type { TransportMessage } from '@switchyard/core';
import type { NatsMode } from './NatsConfig.js';

/** Header that carries a message's key (NATS has none of its own): `keyed` mode orders by it. */
export const NATS_KEY_HEADER = 'x-message-key';

/**
 * A JetStream delivery as core sees it: id `stream/sequence`, `attempt` (default: the server's
 * delivery count; the transport passes the count of runs from its attempt ledger), source = the
 * subject, headers as attributes (the first value of a repeated one). The ordering key follows
 * the mode: keyed → the key header, else the subject; in-order → the stream (one at a time);
 * unordered → none.
 */
export function toTransportMessage(
  message: JsMsg,
  mode: NatsMode,
  attempt = message.info.deliveryCount,
): TransportMessage {
  const { info } = message;
  const attributes: Record<string, string> = {};
  for (const [name, values] of message.headers ?? []) attributes[name] ??= values[0] ?? '';
  const key = attributes[NATS_KEY_HEADER] || undefined;
  return {
    id: `${info.stream}/${info.streamSequence}`,
    body: message.data,
    attributes,
    attempt,
    source: message.subject,
    orderingKey: mode === 'keyed' ? (key ?? message.subject) : mode === 'in-order' ? info.stream : undefined,
    key,
    sentAt: Math.floor(info.timestampNanos / 1e6),
  };
}
