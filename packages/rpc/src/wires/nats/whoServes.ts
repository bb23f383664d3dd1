import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/** A serving daemon's answer to "who serves this API", on servedSubject. */
export interface ServedAnswer {
  readonly methods: readonly string[];
  /** Calls are stored on SWITCHYARD_RPC (`rpc.natsDurableCalls`); else they travel over core NATS. */
  readonly durable?: boolean;
}

/** Where a client asks who serves an API; a daemon of it answers with its methods. */
export function servedSubject(api: string): string {
  return `switchyard.served.${api}`;
}

/** The queue group (and, for durable calls, the durable) an API's daemons share: `rpc-<api>`. */
export function apiGroup(api: string): string {
  return `rpc-${api}`;
}

/**
 * Answers "who serves `api`" for this daemon, one daemon of the group answering each question,
 * until the subscription is dropped (the daemon withdraws).
 */
export function answerWhoServes(connection: NatsConnection, api: string, answer: ServedAnswer): Subscription {
  const text = JSON.stringify(answer);
  return connection.subscribe(servedSubject(api), {
    queue: apiGroup(api),
    callback: (error, message) => {
      if (error === null) message.respond(text);
    },
  });
}
