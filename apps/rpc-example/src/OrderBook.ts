import { injectable } from '@switchyard/core';
import type { Order } from './schemas.js';

/** The orders service's storage (in memory: the example keeps no database). */
@injectable()
export class OrderBook {
  readonly #orders = new Map<string, Order>();
  #sequence = 0;

  nextId(): string {
    this.#sequence += 1;
    return `order-${this.#sequence}`;
  }

  save(order: Order): void {
    this.#orders.set(order.orderId, { ...order });
  }

  find(orderId: string): Order | undefined {
    const order = this.#orders.get(orderId);
    return order === undefined ? undefined : { ...order };
  }

  all(): Order[] {
    return [...this.#orders.values()].map((order) => ({ ...order }));
  }
}
