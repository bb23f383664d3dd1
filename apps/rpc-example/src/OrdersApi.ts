import { randomUUID } from 'node:crypto';
import { inject, injectable } from '@switchyard/core';
import { api, Bus, event, rpc, type ApiEvent } from '@switchyard/rpc';
import { BillingApi } from './BillingApi.js';
import { OrderBook } from './OrderBook.js';
import { GetOrder, Order, OrderPlaced, PlaceOrder } from './schemas.js';

/** The orders service's API: place an order (billing charges it), read it back; `orderPlaced` after each. */
@api('orders')
@injectable()
export class OrdersApi {
  constructor(
    @inject(OrderBook) private readonly book: OrderBook,
    @inject(Bus) private readonly bus: Bus,
  ) {}

  /**
   * Charges the order through billing, a call made while serving this one, so it gets at most the
   * time this call has left (its deadline is inherited), then records the order and announces it.
   */
  @rpc({ returns: Order })
  async placeOrder({ customerId, item, amountCents }: PlaceOrder): Promise<Order> {
    const orderId = `order-${randomUUID().slice(0, 8)}`;
    const payment = await this.bus.api(BillingApi).charge({ orderId, customerId, amountCents });
    const order: Order = {
      orderId,
      customerId,
      item,
      amountCents,
      status: 'placed',
      paymentId: payment.paymentId,
    };
    this.book.save(order);
    await this.bus.api(OrdersApi).orderPlaced.fire({
      orderId,
      customerId,
      paymentId: payment.paymentId,
      amountCents,
    });
    return order;
  }

  @rpc({ returns: Order })
  async getOrder({ orderId }: GetOrder): Promise<Order> {
    const order = this.book.find(orderId);
    if (order === undefined)
      throw Object.assign(new Error(`no order ${orderId}`), { code: 'E_ORDER_UNKNOWN' });
    return order;
  }

  @event(OrderPlaced) readonly orderPlaced!: ApiEvent<OrderPlaced>;
}
