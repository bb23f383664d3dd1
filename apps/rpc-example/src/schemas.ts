// What the two services say to each other: parameters, results and event payloads, each a
// @schema class validated when sent and when received.
import { IsIn, IsInt, IsString, Length, Matches, Min } from 'class-validator';
import { schema } from '@switchyard/core';

const ID = /^[a-z0-9-]{1,40}$/;

@schema('application/vnd.example.orders.place-order')
export class PlaceOrder {
  @Matches(ID) customerId!: string;
  @IsString() @Length(1, 80) item!: string;
  @IsInt() @Min(1) amountCents!: number;
}

@schema('application/vnd.example.orders.get-order')
export class GetOrder {
  @Matches(ID) orderId!: string;
}

export const ORDER_STATUSES = ['placed', 'settled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

@schema('application/vnd.example.orders.order')
export class Order {
  @Matches(ID) orderId!: string;
  @Matches(ID) customerId!: string;
  @IsString() item!: string;
  @IsInt() @Min(1) amountCents!: number;
  @IsIn(ORDER_STATUSES) status!: OrderStatus;
  /** The payment billing authorized for it. */
  @Matches(ID) paymentId!: string;
}

@schema('application/vnd.example.orders.order-placed')
export class OrderPlaced {
  @Matches(ID) orderId!: string;
  @Matches(ID) customerId!: string;
  @Matches(ID) paymentId!: string;
  @IsInt() @Min(1) amountCents!: number;
}

@schema('application/vnd.example.billing.charge')
export class Charge {
  /** The order the charge is for: charging the same order again returns the first payment. */
  @Matches(ID) orderId!: string;
  @Matches(ID) customerId!: string;
  @IsInt() @Min(1) amountCents!: number;
}

@schema('application/vnd.example.billing.payment')
export class Payment {
  @Matches(ID) paymentId!: string;
  @Matches(ID) orderId!: string;
  @IsInt() @Min(1) amountCents!: number;
  @IsIn(['authorized', 'settled']) status!: 'authorized' | 'settled';
}

@schema('application/vnd.example.billing.payment-settled')
export class PaymentSettled {
  @Matches(ID) orderId!: string;
  @Matches(ID) paymentId!: string;
  @IsInt() @Min(1) amountCents!: number;
}
