import type { RunningDaemon } from '@switchyard/core';
import { RemoteError } from '@switchyard/rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BillingApi } from '../src/BillingApi.js';
import { OrderBook } from '../src/OrderBook.js';
import { OrdersApi } from '../src/OrdersApi.js';
import { CardNetwork, PaymentLedger } from '../src/PaymentLedger.js';
import { onEmbeddedBus, type Client } from '../src/placement.js';
import { BillingService, OrdersService } from '../src/services.js';

const QUIET_QUICK = [
  ...['--testing', '--set', 'daemon.logLevel=silent', '--set', 'consumer.maxAttempts=2'],
  ...['--set', 'consumer.backoffBaseSeconds=0.01', '--set', 'consumer.backoffMaxSeconds=0.05'],
];

describe('orders and billing on the embedded bus', () => {
  let book: OrderBook;
  let ledger: PaymentLedger;
  let network: CardNetwork;
  let billing: RunningDaemon;
  let orders: RunningDaemon;
  let client: Client;

  beforeEach(async () => {
    const placement = onEmbeddedBus();
    [book, ledger, network] = [new OrderBook(), new PaymentLedger(), new CardNetwork()];
    billing = await placement.start(new BillingService(ledger, network), QUIET_QUICK);
    orders = await placement.start(new OrdersService(book), QUIET_QUICK);
    client = await placement.client();
  });

  afterEach(async () => {
    await client.close();
    await orders.stop();
    await billing.stop();
  });

  it('a placed order is charged by billing, then settled once billing has heard of it', async () => {
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
      .poll(async () => (await client.bus.api(OrdersApi).getOrder({ orderId: order.orderId })).status)
      .toBe('settled');
    expect(ledger.forOrder(order.orderId)).toMatchObject({ status: 'settled', amountCents: 2500 });
    expect(billing.counter.get('dead-lettered') + orders.counter.get('dead-lettered')).toBe(0);
  });

  it('a declined settlement is retried, then dead-lettered with the reason; the order stays placed, others settle', async () => {
    network.declined.add('customer-2');
    const deadLettered: string[] = [];
    billing.counter.onRecord(({ outcome }) => {
      if (outcome.kind === 'dead-lettered') deadLettered.push(outcome.reason ?? '');
    });
    const refused = await client.bus
      .api(OrdersApi)
      .placeOrder({ customerId: 'customer-2', item: 'a lamp', amountCents: 4000 });
    const accepted = await client.bus
      .api(OrdersApi)
      .placeOrder({ customerId: 'customer-3', item: 'a chair', amountCents: 9000 });
    await expect
      .poll(() => deadLettered)
      .toEqual(['gave up after 2 attempts: the card network declined 4000 cents for customer-2']);
    await expect.poll(() => book.find(accepted.orderId)?.status).toBe('settled');
    expect(book.find(refused.orderId)?.status).toBe('placed');
    expect(ledger.forOrder(refused.orderId)?.status).toBe('authorized');
    expect(billing.counter.get('failed')).toBe(1);
  });

  it('charge is idempotent: the same order charged again gets the first payment; another amount is refused', async () => {
    const billingApi = client.bus.api(BillingApi);
    const charge = { orderId: 'order-fixed', customerId: 'customer-4', amountCents: 700 };
    const first = await billingApi.charge(charge);
    const again = await billingApi.charge(charge);
    expect(again).toEqual(first);
    expect(ledger.size).toBe(1);
    const conflict = await billingApi
      .charge({ ...charge, amountCents: 701 })
      .catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(RemoteError);
    expect((conflict as RemoteError).code).toBe('E_CHARGE_CONFLICT');
  });

  it('an unknown order is a RemoteError with its code, not a timeout', async () => {
    const error = await client.bus
      .api(OrdersApi)
      .getOrder({ orderId: 'order-missing' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('E_ORDER_UNKNOWN');
  });
});
