import { injectable } from '@switchyard/core';
import type { Payment } from './schemas.js';

/**
 * Billing's storage, one payment per order: what makes `charge` idempotent (a charge retried for
 * the same order finds the first payment instead of taking the money twice).
 */
@injectable()
export class PaymentLedger {
  readonly #byOrder = new Map<string, Payment>();

  forOrder(orderId: string): Payment | undefined {
    const payment = this.#byOrder.get(orderId);
    return payment === undefined ? undefined : { ...payment };
  }

  save(payment: Payment): void {
    this.#byOrder.set(payment.orderId, { ...payment });
  }

  get size(): number {
    return this.#byOrder.size;
  }
}

/** The card network billing settles with; the example's stands in for a real one. */
@injectable()
export class CardNetwork {
  /** Customers whose settlement the network declines (to show a failing listener). */
  readonly declined = new Set<string>();

  async settle(customerId: string, amountCents: number): Promise<void> {
    if (this.declined.has(customerId))
      throw Object.assign(new Error(`the card network declined ${amountCents} cents for ${customerId}`), {
        code: 'E_DECLINED',
      });
  }
}
