import type { RunningDaemon } from '@switchyard/core';
import { RemoteError } from '@switchyard/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingApi } from '../src/BillingApi.js';
import { OrderBook } from '../src/OrderBook.js';
import { OrdersApi } from '../src/OrdersApi.js';
import { CardNetwork, PaymentLedger } from '../src/PaymentLedger.js';
import type { Client, Placement } from '../src/placement.js';
import { BillingService, OrdersService } from '../src/services.js';
import { runBuiltApp } from '../../../test/support/runBuiltApp.js';

const QUIET_QUICK = [
  ...['--testing', '--set', 'daemon.logLevel=silent', '--set', 'consumer.maxAttempts=2'],
  ...['--set', 'consumer.backoffBaseSeconds=0.01', '--set', 'consumer.backoffMaxSeconds=0.05'],
];
/** The longest an order's journey (an event each way, or two attempts and a dead letter) may take. */
const JOURNEY_MS = 30_000;

export interface ScenarioOptions {
  /** Where, in the tests' titles (default the placement's label). */
  readonly where?: string;
  /** Added to each service's flags (e.g. a real server's shorter polls and sessions). */
  readonly flags?: readonly string[];
  /** Skips the scenarios (the server is not running here; the title says why). */
  readonly skip?: boolean;
  /**
   * The reasons of the dead letters in billing's `settlement` listener's own dead-letter queue,
   * topic or subject, read from the server (checked where given).
   */
  readonly settlementDeadLetters?: () => Promise<string[]>;
}

/** The listener whose dead letters `settlementDeadLetters` reads: billing's on orders' `orderPlaced`. */
export const SETTLEMENT = { api: 'orders', event: 'orderPlaced', listenerName: 'settlement' } as const;

/**
 * The example's journeys on `placement`: billing, orders and a client are started once for them,
 * each test with orders and customers of its own, so they hold on a broker that keeps its topics
 * and queues between tests. Shared by the embedded-bus test and the Kafka, SQS and NATS suites.
 */
export function orderScenarios(placement: Placement, options: ScenarioOptions = {}): void {
  describe.skipIf(options.skip === true)(
    `orders and billing on ${options.where ?? placement.label}`,
    { timeout: 60_000 },
    () => {
      const flags = [...QUIET_QUICK, ...(options.flags ?? [])];
      const [book, ledger, network] = [new OrderBook(), new PaymentLedger(), new CardNetwork()];
      let billing: RunningDaemon | undefined;
      let orders: RunningDaemon | undefined;
      let client: Client | undefined;
      const started = (): { billing: RunningDaemon; orders: RunningDaemon; client: Client } => ({
        billing: billing!,
        orders: orders!,
        client: client!,
      });

      beforeAll(async () => {
        billing = await placement.start(new BillingService(ledger, network, placement.services), flags);
        orders = await placement.start(new OrdersService(book, placement.services), flags);
        client = await placement.client();
      });

      afterAll(async () => {
        await client?.close();
        await orders?.stop();
        await billing?.stop();
      });

      it('a placed order is charged by billing, then settled once billing has heard of it', async () => {
        const { billing, orders, client } = started();
        const deadLetteredBefore = billing.counter.get('dead-lettered') + orders.counter.get('dead-lettered');
        const order = await client.bus
          .api(OrdersApi)
          .placeOrder({ customerId: 'customer-1', item: 'a kettle', amountCents: 2500 });
        expect(order).toMatchObject({
          customerId: 'customer-1',
          status: 'placed',
          paymentId: `pay-${order.orderId}`,
        });
        // orderPlaced → billing settles the payment → paymentSettled → orders marks the order.
        await expect
          .poll(async () => (await client.bus.api(OrdersApi).getOrder({ orderId: order.orderId })).status, {
            timeout: JOURNEY_MS,
          })
          .toBe('settled');
        expect(ledger.forOrder(order.orderId)).toMatchObject({ status: 'settled', amountCents: 2500 });
        expect(billing.counter.get('dead-lettered') + orders.counter.get('dead-lettered')).toBe(
          deadLetteredBefore,
        );
      });

      it('a declined settlement is retried, then dead-lettered with the reason; the order stays placed, others settle', async () => {
        const { billing, client } = started();
        network.declined.add('customer-2');
        const failedBefore = billing.counter.get('failed');
        const deadLettered: string[] = [];
        const unsubscribe = billing.counter.onRecord(({ outcome }) => {
          if (outcome.kind === 'dead-lettered') deadLettered.push(outcome.reason ?? '');
        });
        try {
          const refused = await client.bus
            .api(OrdersApi)
            .placeOrder({ customerId: 'customer-2', item: 'a lamp', amountCents: 4000 });
          const accepted = await client.bus
            .api(OrdersApi)
            .placeOrder({ customerId: 'customer-3', item: 'a chair', amountCents: 9000 });
          const reason = 'gave up after 2 attempts: the card network declined 4000 cents for customer-2';
          await expect.poll(() => deadLettered, { timeout: JOURNEY_MS }).toEqual([reason]);
          if (options.settlementDeadLetters !== undefined)
            await expect.poll(options.settlementDeadLetters, { timeout: JOURNEY_MS }).toContain(reason);
          await expect
            .poll(() => book.find(accepted.orderId)?.status, { timeout: JOURNEY_MS })
            .toBe('settled');
          expect(book.find(refused.orderId)?.status).toBe('placed');
          expect(ledger.forOrder(refused.orderId)?.status).toBe('authorized');
          expect(billing.counter.get('failed') - failedBefore).toBe(1);
        } finally {
          unsubscribe();
        }
      });

      it('charge is idempotent: the same order charged again gets the first payment; another amount is refused', async () => {
        const billingApi = started().client.bus.api(BillingApi);
        const paymentsBefore = ledger.size;
        const charge = { orderId: 'order-fixed', customerId: 'customer-4', amountCents: 700 };
        const first = await billingApi.charge(charge);
        const again = await billingApi.charge(charge);
        expect(again).toEqual(first);
        expect(ledger.size - paymentsBefore).toBe(1);
        const conflict = await billingApi
          .charge({ ...charge, amountCents: 701 })
          .catch((error: unknown) => error);
        expect(conflict).toBeInstanceOf(RemoteError);
        expect((conflict as RemoteError).code).toBe('E_CHARGE_CONFLICT');
      });

      it('an unknown order is a RemoteError with its code, not a timeout', async () => {
        const error = await started()
          .client.bus.api(OrdersApi)
          .getOrder({ orderId: 'order-missing' })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RemoteError);
        expect((error as RemoteError).code).toBe('E_ORDER_UNKNOWN');
      });
    },
  );
}

export interface BuiltAppOptions {
  /** The label of the placement the flags choose, which the app prints first. */
  readonly runsOn: string;
  readonly skip?: boolean;
  /** Added to the child's environment (which has PATH only). */
  readonly env?: Record<string, string>;
}

/**
 * main.ts as a user runs it: the built app (`npx tsc -b tsconfig.build.json` first) in a child
 * process, `where` its flags choosing the transport.
 */
export function builtAppScenario(where: readonly string[], options: BuiltAppOptions): void {
  describe.skipIf(options.skip === true)(`the built app: main.js ${where.join(' ')}`, () => {
    it('places 3 orders, customer-2 declined: settles the others, dead-letters that one, exits 0', async () => {
      const run = await runBuiltApp('rpc-example', [...where, '--orders', '3', '--declined', 'customer-2'], {
        env: options.env,
      });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const lines = run.stdout.split('\n');
      // The services log warnings (a failed settlement) on standard output too.
      expect(lines).toContain(`billing and orders on ${options.runsOn}`);
      expect(lines.filter((line) => / customer-[13] \d+ cents: settled$/.test(line))).toHaveLength(2);
      expect(lines.filter((line) => / customer-2 1002 cents: placed \(declined/.test(line))).toHaveLength(1);
      expect(lines).toContain('settlements dead-lettered by billing: 1');
    }, 120_000);
  });
}
