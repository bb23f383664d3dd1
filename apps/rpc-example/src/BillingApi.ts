import { inject, injectable } from '@switchyard/core';
import { api, event, rpc, type ApiEvent } from '@switchyard/rpc';
import { PaymentLedger } from './PaymentLedger.js';
import { Charge, Payment, PaymentSettled } from './schemas.js';

/**
 * The billing service's API. The orders service calls `charge` while placing an order; billing
 * fires `paymentSettled` once the card network has settled the payment.
 */
@api('billing')
@injectable()
export class BillingApi {
  constructor(@inject(PaymentLedger) private readonly ledger: PaymentLedger) {}

  /**
   * Authorizes the order's payment. Idempotent: the ledger keeps one payment per order, so a call
   * repeated after a timeout returns the payment of the first instead of charging twice.
   */
  @rpc({ returns: Payment, idempotent: true })
  async charge({ orderId, customerId, amountCents }: Charge): Promise<Payment> {
    const existing = this.ledger.forOrder(orderId);
    if (existing !== undefined) {
      if (existing.amountCents !== amountCents)
        throw Object.assign(
          new Error(
            `${orderId} was charged ${existing.amountCents} cents, not ${amountCents} (customer ${customerId})`,
          ),
          { code: 'E_CHARGE_CONFLICT' },
        );
      return existing;
    }
    const payment: Payment = { paymentId: `pay-${orderId}`, orderId, amountCents, status: 'authorized' };
    this.ledger.save(payment);
    return payment;
  }

  @event(PaymentSettled) readonly paymentSettled!: ApiEvent<PaymentSettled>;
}
