import { type MemoryBroker, MemoryTransport } from '@switchyard/core';
import { wireAddresses } from './addresses.js';
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
  const addresses = wireAddresses.memory;
  const requestAddress = addresses.requests;
  return {
    name: 'memory',
    requestAddress,
    async served(api) {
      const servers = network.served.get(api);
      if (servers === undefined || servers.size === 0) return { served: false };
      return { served: true, methods: new Set([...servers.values()].flatMap((methods) => [...methods])) };
    },
    async sendCall(api, call) {
      broker.queue(requestAddress(api)).send(call.body, {
        media_type: 'application/vnd.switchyard.rpc.request',
        'x-switchyard-deadline': String(call.deadline),
      });
    },
    async openInbox(clientId, onReply) {
      const address = addresses.replies(clientId);
      network.inboxes.set(address, onReply);
      return {
        address,
        close: async () => {
          network.inboxes.delete(address);
        },
      };
    },
    async sendReply(address, body) {
      const inbox = network.inboxes.get(address);
      if (inbox === undefined) return false;
      // Asynchronously, as a wire would: the server's handler finishes before the caller resumes.
      queueMicrotask(() => inbox(body));
      return true;
    },
    async serve(api, methods) {
      const id = Symbol(api);
      const servers = network.served.get(api) ?? new Map<symbol, ReadonlySet<string>>();
      servers.set(id, new Set(methods));
      network.served.set(api, servers);
      const address = requestAddress(api);
      return {
        address,
        transport: new MemoryTransport(broker, address, waitMs),
        withdraw: async () => {
          servers.delete(id);
        },
      };
    },
    async publishEvent(api, event, body, mediaType) {
      for (const queue of network.subscriptions.get(`${api}.${event}`) ?? [])
        broker.queue(queue).send(body, { media_type: mediaType });
    },
    async listen(api, event, listenerName) {
      const address = addresses.listener(api, event, listenerName);
      const key = `${api}.${event}`;
      const queues = network.subscriptions.get(key) ?? new Set<string>();
      queues.add(address);
      network.subscriptions.set(key, queues);
      return { address, transport: new MemoryTransport(broker, address, waitMs) };
    },
    async close() {},
  };
}
