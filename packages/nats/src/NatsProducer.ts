import { randomUUID } from 'node:crypto';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers as newHeaders } from '@nats-io/transport-node';
import type { OutgoingMessage, TransportProducer } from '@switchyard/core';
import { NatsError, NatsErrorCodes } from './errors.js';
import type { NatsClient } from './NatsClient.js';
import { NATS_KEY_HEADER } from './natsMessage.js';
import { publishConfirmed } from './publish.js';

/** Header that carries the media type, so consumers route without parsing the body. */
export const MEDIA_TYPE_HEADER = 'media_type';
/** JetStream's deduplication header; an attribute of this name is used as the message id. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

export interface SubjectRouting {
  /** Subject when neither the message nor a route names one ('' for none). */
  readonly defaultSubject: string;
  /** media type → subject */
  readonly routes: Readonly<Record<string, string>>;
  readonly publishTimeoutMs: number;
}

/**
 * Publishes to JetStream and resolves with `stream/sequence` once the stream has stored the
 * message (its PubAck). Every message has a Nats-Msg-Id (the `Nats-Msg-Id` attribute when the
 * sender gave one, else a fresh UUID), so the client's own retry of a publish is stored once; a
 * sender that retries a whole send should give its own id. The subject is the message's
 * destination, else its media type's route, else the default.
 */
export class NatsProducer implements TransportProducer {
  #js: JetStreamClient | undefined;
  /**
   * Counted in as a user of the shared connection on the first send only: a producer that never
   * sent does not keep the connection (and the process) alive after the transport let it go, e.g.
   * when the transport's start-up check failed.
   */
  #release: (() => Promise<void>) | undefined;

  constructor(
    private readonly client: NatsClient,
    private readonly routing: SubjectRouting,
  ) {}

  subjectFor(message: Pick<OutgoingMessage, 'mediaType' | 'destination'>): string {
    return message.destination ?? this.routing.routes[message.mediaType] ?? this.routing.defaultSubject;
  }

  async send(message: OutgoingMessage): Promise<string> {
    const subject = this.subjectFor(message);
    if (subject === '')
      throw new NatsError(
        NatsErrorCodes.NO_SUBJECT,
        `no NATS subject for ${message.mediaType}: give a destination, a nats.subjectRoutes entry, or nats.produceSubject`,
      );
    const headers = newHeaders();
    let msgId = '';
    for (const [name, value] of Object.entries(message.attributes)) {
      if (name === MSG_ID_HEADER) msgId = value;
      else headers.set(name, value);
    }
    headers.set(MEDIA_TYPE_HEADER, message.mediaType);
    if (message.key !== undefined) headers.set(NATS_KEY_HEADER, message.key);
    this.#release ??= this.client.use();
    this.#js ??= jetstream(await this.client.connection());
    const ack = await publishConfirmed(this.#js, subject, message.body, {
      headers,
      msgId: msgId || randomUUID(),
      timeoutMs: this.routing.publishTimeoutMs,
    });
    return `${ack.stream}/${ack.seq}`;
  }

  async close(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    this.#js = undefined;
    await release?.();
  }
}
