import { randomUUID } from 'node:crypto';
import { ServiceBroker, type BrokerOptions, type Context } from 'moleculer';
import { payload, quoteOf, type QuoteRequest } from './benchApi.js';
import type { RpcSide } from './switchyardSide.js';

/** The same rules as QuoteRequest's class-validator ones, in Moleculer's validator (fastest-validator). */
const QUOTE_PARAMS = {
  orderId: { type: 'string', min: 1, max: 40 },
  quantity: { type: 'number', integer: true, min: 0 },
  unitPrice: { type: 'number' },
} as const;

/**
 * The reference: Moleculer 0.15, a server broker with a `bench` service whose `quote` action does
 * the same work, and a client broker calling it with `broker.call` — two nodes over the NATS
 * server (`transporter`), or in one broker without a transporter (`undefined`: a local call).
 * Each run gets its own namespace, so runs never see each other's nodes.
 */
export async function startMoleculer(natsUrl: string | undefined): Promise<RpcSide> {
  const namespace = `bench-${randomUUID().slice(0, 8)}`;
  const options = (nodeID: string): BrokerOptions => ({
    nodeID,
    namespace,
    logger: false,
    ...(natsUrl === undefined ? {} : { transporter: { type: 'NATS', options: { url: natsUrl } } }),
    // A deadline like switchyard's default: Moleculer's own default is none.
    requestTimeout: 5000,
  });
  const server = new ServiceBroker(options('server'));
  server.createService({
    name: 'bench',
    actions: {
      quote: {
        params: QUOTE_PARAMS,
        handler: (context: Context<QuoteRequest>) => quoteOf(context.params),
      },
    },
  });
  const client = natsUrl === undefined ? server : new ServiceBroker(options('client'));
  await server.start();
  if (client !== server) await client.start();
  await client.waitForServices('bench', 10_000);
  return {
    call: (sequence) => client.call('bench.quote', payload(sequence)),
    stop: async () => {
      if (client !== server) await client.stop();
      await server.stop();
    },
  };
}
