import { createHash } from 'node:crypto';

/**
 * Where each transport's wire puts an API's calls, replies and events: one place, so the wires,
 * `switchyard inspect` and the docs agree. Names are already checked: an API or listener name is
 * letters, digits and '-', an event name letters and digits (up to 63 each). So no two
 * (api, event, listener) share a name: the event name holds no '-', and '_', which no name holds,
 * comes before the listener's ('event-a-b_c-d' is api a, event b, listener c-d).
 */
export interface WireAddresses {
  /** The queue, topic or subject an API's calls wait in. */
  readonly requests: (api: string) => string;
  /** A client's reply queue, topic or inbox subject. */
  readonly replies: (clientId: string) => string;
  /** The topic or subject an event is published to ('' where events go straight to listener queues). */
  readonly events: (api: string, event: string) => string;
  /** A listener's own queue, consumer group or durable. */
  readonly listener: (api: string, event: string, listenerName: string) => string;
}

/** SQS queue names stop at 80 characters: a longer name keeps its start and ends in a hash of the whole. */
function sqsName(name: string): string {
  if (name.length <= 80) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${name.slice(0, 63)}-${hash}`;
}

export const wireAddresses: Record<'memory' | 'kafka' | 'sqs' | 'nats', WireAddresses> = {
  memory: {
    requests: (api) => `rpc.${api}`,
    replies: (clientId) => `memory-inbox:${clientId}`,
    events: () => '',
    listener: (api, event, listenerName) => `event.${api}.${event}.${listenerName}`,
  },
  kafka: {
    requests: (api) => `rpc.${api}`,
    replies: (clientId) => `rpc.reply.${clientId}`,
    events: (api, event) => `event.${api}.${event}`,
    /** The listener's consumer group on the event's topic. */
    listener: (api, event, listenerName) => `event.${api}.${event}.${listenerName}`,
  },
  sqs: {
    requests: (api) => sqsName(`rpc-${api}`),
    replies: (clientId) => sqsName(`rpc-reply-${clientId}`),
    /** The SNS topic (where SNS is configured; else the wire sends to each listener queue). */
    events: (api, event) => sqsName(`event-${api}-${event}`),
    listener: (api, event, listenerName) => sqsName(`event-${api}-${event}_${listenerName}`),
  },
  nats: {
    /**
     * A core NATS subject, taken by the queue group `rpc-<api>` of the API's daemons (with
     * `rpc.natsDurableCalls`, calls go to `rpc.<api>` on the SWITCHYARD_RPC stream instead).
     */
    requests: (api) => `switchyard.rpc.${api}`,
    replies: (clientId) => `_INBOX.switchyard.${clientId}`,
    /** A subject of the SWITCHYARD_EVENTS stream. */
    events: (api, event) => `event.${api}.${event}`,
    /** The listener's durable consumer (durable names have no '.'). */
    listener: (api, event, listenerName) => `event-${api}-${event}_${listenerName}`,
  },
};
