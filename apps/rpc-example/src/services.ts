import { ContainerModule, type ContainerModuleLoadOptions, type TransportFactory } from '@switchyard/core';
import { ApiDaemon } from '@switchyard/rpc';
import { BillingApi } from './BillingApi.js';
import { OrderBook } from './OrderBook.js';
import { OrdersApi } from './OrdersApi.js';
import { CardNetwork, PaymentLedger } from './PaymentLedger.js';

/** The transports a service may run on besides the embedded bus (e.g. natsTransportFactory). */
export interface ServiceOptions {
  readonly transports?: readonly TransportFactory[];
}

/** What both services share: where they run, and the collaborators they bind (their storage). */
abstract class ExampleService extends ApiDaemon {
  override readonly transports: readonly TransportFactory[];
  override readonly modules: readonly ContainerModule[];

  protected constructor(options: ServiceOptions, load: (module: ContainerModuleLoadOptions) => void) {
    super();
    this.transports = options.transports ?? [];
    this.modules = [new ContainerModule(load)];
  }
}

/**
 * Serves the orders API and listens to billing's `paymentSettled` (listener `order-status`): the
 * order it names becomes `settled`. An event for an order this service does not know fails, is
 * retried and then dead-lettered, never dropped.
 */
export class OrdersService extends ExampleService {
  readonly name = 'orders';
  override readonly apis = [OrdersApi];

  constructor(
    readonly book = new OrderBook(),
    options: ServiceOptions = {},
  ) {
    super(options, ({ bind }) => void bind(OrderBook).toConstantValue(book));
  }

  protected override async onReady(): Promise<void> {
    await this.bus.api(BillingApi).paymentSettled.listen(
      (settled) => {
        const order = this.book.find(settled.orderId);
        if (order === undefined)
          throw new Error(`payment ${settled.paymentId} settled for an unknown order ${settled.orderId}`);
        // At least once: a second delivery of the same event finds the order settled already.
        this.book.save({ ...order, status: 'settled' });
      },
      { listenerName: 'order-status' },
    );
  }
}

/**
 * Serves the billing API and listens to `orderPlaced` (listener `settlement`): settles the order's
 * payment with the card network, then fires `paymentSettled`. A declined settlement throws: the
 * event is retried with backoff, then dead-lettered with the reason, and the order stays `placed`.
 */
export class BillingService extends ExampleService {
  readonly name = 'billing';
  override readonly apis = [BillingApi];

  constructor(
    readonly ledger = new PaymentLedger(),
    readonly network = new CardNetwork(),
    options: ServiceOptions = {},
  ) {
    super(options, ({ bind }) => {
      bind(PaymentLedger).toConstantValue(ledger);
      bind(CardNetwork).toConstantValue(network);
    });
  }

  protected override async onReady(): Promise<void> {
    await this.bus.api(OrdersApi).orderPlaced.listen(
      async (placed) => {
        const payment = this.ledger.forOrder(placed.orderId);
        if (payment === undefined) throw new Error(`order ${placed.orderId} was placed without a payment`);
        if (payment.status !== 'settled') {
          await this.network.settle(placed.customerId, payment.amountCents);
          this.ledger.save({ ...payment, status: 'settled' });
        }
        // Fired again on a redelivery: orders' listener settles an order once however often it hears it.
        await this.bus.api(BillingApi).paymentSettled.fire({
          orderId: placed.orderId,
          paymentId: payment.paymentId,
          amountCents: payment.amountCents,
        });
      },
      { listenerName: 'settlement' },
    );
  }
}
