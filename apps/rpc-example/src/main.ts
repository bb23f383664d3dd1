import 'reflect-metadata';
import { Command, Option } from 'commander';
import type { RunningDaemon } from '@switchyard/core';
import { OrderBook } from './OrderBook.js';
import { OrdersApi } from './OrdersApi.js';
import { CardNetwork, PaymentLedger } from './PaymentLedger.js';
import { onEmbeddedBus, onKafka, onNats, onSqs, type Client, type Placement } from './placement.js';
import type { Order } from './schemas.js';
import { BillingService, OrdersService } from './services.js';

/**
 * `npm run start -w @switchyard/example-rpc`: billing and orders in this process (on the embedded
 * bus, or on NATS, Kafka or SQS with `--nats-servers`, `--kafka-brokers` or `--sqs-endpoint`), a
 * client placing `--orders N` orders; prints each order once its journey is over (settled, or its
 * settlement dead-lettered) and exits 0 when every order of a customer the card network accepts is
 * settled.
 */
const command = new Command('rpc-example')
  .option('--orders <n>', 'orders to place', (text) => Number.parseInt(text, 10), 3)
  .option(
    '--declined <customer>',
    'a customer whose settlement the card network declines (repeatable), e.g. customer-2',
    (customer: string, all: string[]) => [...all, customer],
    [] as string[],
  )
  .option('--nats-servers <host:port>', 'run both services on NATS JetStream instead of the embedded bus')
  .option('--kafka-brokers <host:port,...>', 'run both services on Kafka instead of the embedded bus')
  .option('--sqs-endpoint <url>', 'run both services on SQS at this endpoint instead of the embedded bus')
  .addOption(
    new Option('--sqs-events <how>', 'on SQS, how events reach the listener queues')
      .choices(['sqs', 'sns'])
      .default('sqs'),
  )
  .option(
    '--wait-ms <ms>',
    'longest wait for the orders to settle',
    (text) => Number.parseInt(text, 10),
    15_000,
  )
  .option('--debug', 'log every call and event', false)
  .parse();
const options = command.opts<{
  orders: number;
  declined: string[];
  natsServers?: string;
  kafkaBrokers?: string;
  sqsEndpoint?: string;
  sqsEvents: 'sqs' | 'sns';
  waitMs: number;
  debug: boolean;
}>();

if (command.getOptionValueSource('sqsEvents') === 'cli' && options.sqsEndpoint === undefined) {
  process.stderr.write('--sqs-events goes with --sqs-endpoint (it says how events travel on SQS)\n');
  process.exit(2);
}
if (!Number.isInteger(options.orders) || options.orders < 1) {
  process.stderr.write(`--orders must be a whole number above 0, got ${options.orders}\n`);
  process.exit(2);
}

const logLevel = options.debug ? 'debug' : 'warn';
const chosen: Placement[] = [
  ...(options.natsServers === undefined ? [] : [onNats(options.natsServers, { logLevel })]),
  ...(options.kafkaBrokers === undefined ? [] : [onKafka(options.kafkaBrokers, { logLevel })]),
  ...(options.sqsEndpoint === undefined
    ? []
    : [onSqs(options.sqsEndpoint, { events: options.sqsEvents, logLevel })]),
];
if (chosen.length > 1) {
  process.stderr.write(
    `--nats-servers, --kafka-brokers and --sqs-endpoint choose where both services run: give one, got ${chosen.length}\n`,
  );
  process.exit(2);
}
const placement = chosen[0] ?? onEmbeddedBus();
// Quick retries, so a declined settlement is dead-lettered within a second or two.
const flags = [
  ...['--set', `daemon.logLevel=${logLevel}`, '--set', 'consumer.maxAttempts=3'],
  ...['--set', 'consumer.backoffBaseSeconds=0.1', '--set', 'consumer.backoffMaxSeconds=0.5'],
  // A run that stops as soon as its orders are over: on SQS a stop lets the long polls in flight
  // end (sqs.waitForPollsAtStop), so 2 s polls make it a 2 s stop instead of 20 s.
  ...(options.sqsEndpoint === undefined ? [] : ['--set', 'sqs.waitTimeSeconds=2']),
];
const network = new CardNetwork();
for (const customer of options.declined) network.declined.add(customer);
const book = new OrderBook();
const running: RunningDaemon[] = [];
let client: Client | undefined;
let deadLettered = 0;
try {
  const billing = await placement.start(
    new BillingService(new PaymentLedger(), network, placement.services),
    flags,
  );
  running.push(billing);
  billing.counter.onRecord(({ outcome }) => void (outcome.kind === 'dead-lettered' && (deadLettered += 1)));
  running.push(await placement.start(new OrdersService(book, placement.services), flags));
  client = await placement.client();
  const { bus } = client;
  process.stdout.write(`billing and orders on ${placement.label}\n`);
  const placed: Order[] = [];
  for (let index = 1; index <= options.orders; index += 1)
    placed.push(
      await bus.api(OrdersApi).placeOrder({
        customerId: `customer-${index}`,
        item: `item ${index}`,
        amountCents: 1000 + index,
      }),
    );
  const declined = placed.filter((order) => network.declined.has(order.customerId));
  const over = (): boolean =>
    deadLettered >= declined.length &&
    placed.every(
      (order) => network.declined.has(order.customerId) || book.find(order.orderId)?.status === 'settled',
    );
  const until = Date.now() + options.waitMs;
  while (!over() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  let unsettled = 0;
  for (const { orderId } of placed) {
    const order = await bus.api(OrdersApi).getOrder({ orderId });
    const refused = network.declined.has(order.customerId);
    if (order.status !== 'settled' && !refused) unsettled += 1;
    const note = refused ? ' (declined: its settlement was retried, then dead-lettered)' : '';
    process.stdout.write(
      `${order.orderId} ${order.customerId} ${order.amountCents} cents: ${order.status}${note}\n`,
    );
  }
  process.stdout.write(`settlements dead-lettered by billing: ${deadLettered}\n`);
  process.exitCode = unsettled === 0 && deadLettered === declined.length ? 0 : 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await client?.close();
  await Promise.all(running.map((daemon) => daemon.stop()));
}
