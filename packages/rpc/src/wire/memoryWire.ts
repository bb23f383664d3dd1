import { type MemoryBroker, MemoryTransport } from '@switchyard/core';
import type { RpcWire } from './RpcWire.js';

/** Per broker: reply inboxes, what is served, and which listener queues each event feeds. */
interface MemoryNetwork {
  readonly inboxes: Map<string, (body: string) => void>;
  readonly served: Map<string, Map<symbol, ReadonlySet<string>>>;
  readonly subscriptions: Map<string, Set<string>>;
}

const networks = new WeakMap<MemoryBroker, MemoryNetwork>();

function networkOf(broker: MemoryBroker): MemoryNetwork {
  let network = networks.get(broker);
  if (network === undefined) {
    network = { inboxes: new Map(), served: new Map(), subscriptions: new Map() };
    networks.set(broker, network);
  }
  return network;
}

/**
 * RPC and events on the embedded bus: calls go to the queue `rpc.<api>` (durable, consumed by the
 * serving daemon's pipeline), replies straight to the caller's in-process inbox, and each event to
 * one queue per listener name, `event.<api>.<event>.<listener>`, with its own `.dlq`.
 */
export function memoryWire(broker: MemoryBroker, waitMs = 50): RpcWire {
  const network = networkOf(broker);
  return {
    name: 'memory',
    requestQueue: (api) => `rpc.${api}`,
    async sendRequest(api, body) {
      broker.queue(`rpc.${api}`).send(body, { media_type: 'application/vnd.switchyard.rpc.request' });
    },
    openInbox(clientId, onReply) {
      const address = `memory-inbox:${clientId}`;
      network.inboxes.set(address, onReply);
      return { address, close: () => network.inboxes.delete(address) };
    },
    async sendReply(address, body) {
      const inbox = network.inboxes.get(address);
      if (inbox === undefined) return false;
      // Asynchronously, as a wire would: the server's handler finishes before the caller resumes.
      queueMicrotask(() => inbox(body));
      return true;
    },
    served(api) {
      const servers = network.served.get(api);
      if (servers === undefined || servers.size === 0) return undefined;
      return new Set([...servers.values()].flatMap((methods) => [...methods]));
    },
    announce(api, methods) {
      const id = Symbol(api);
      const servers = network.served.get(api) ?? new Map<symbol, ReadonlySet<string>>();
      servers.set(id, new Set(methods));
      network.served.set(api, servers);
      return () => servers.delete(id);
    },
    async publishEvent(api, event, body, mediaType) {
      for (const queue of network.subscriptions.get(`${api}.${event}`) ?? [])
        broker.queue(queue).send(body, { media_type: mediaType });
    },
    subscribe(api, event, listenerName) {
      const queue = `event.${api}.${event}.${listenerName}`;
      const key = `${api}.${event}`;
      const queues = network.subscriptions.get(key) ?? new Set<string>();
      queues.add(queue);
      network.subscriptions.set(key, queues);
      return queue;
    },
    consumer: (queue) => new MemoryTransport(broker, queue, waitMs),
  };
}
