import { ConsumerDaemon, handles, schema, type HandlerContext } from '@switchyard/core';
import { sqsTransportFactory } from '@switchyard/sqs';
import { IsInt, IsString, Min } from 'class-validator';

export const ORDER_MEDIA_TYPE = 'application/vnd.switchyard.test.order';
export const RECEIPT_MEDIA_TYPE = 'application/vnd.switchyard.test.receipt';

@schema(ORDER_MEDIA_TYPE)
export class Order {
  @IsString() id!: string;
  @IsString() group!: string;
  @IsInt() @Min(0) sequence!: number;
}

@schema(RECEIPT_MEDIA_TYPE)
export class Receipt {
  @IsString() orderId!: string;
}

export interface Handled {
  readonly order: Order;
  readonly attempt: number;
  readonly at: number;
}

type Behaviour = (order: Order, context: HandlerContext) => Promise<void> | void;

/** What the test daemon's handler does; each test sets it. Every call is recorded in `handled`. */
export const handlerState: { behaviour: Behaviour; handled: Handled[] } = {
  behaviour: () => undefined,
  handled: [],
};

export function resetHandler(behaviour: Behaviour = () => undefined): void {
  handlerState.behaviour = behaviour;
  handlerState.handled = [];
}

const handleOrder = handles(Order)(async (order: Order, context: HandlerContext) => {
  handlerState.handled.push({ order, attempt: context.attempt, at: Date.now() });
  await handlerState.behaviour(order, context);
});

/** A daemon on SQS handling `Order`; publishes `Receipt`. */
export class OrderDaemon extends ConsumerDaemon {
  readonly name = 'order-consumer';
  override readonly handlers = [handleOrder];
  override readonly schemas = [Receipt];
  override readonly transports = [sqsTransportFactory];
}

export function order(id: string, group = 'g', sequence = 0): Record<string, unknown> {
  return { mediaType: ORDER_MEDIA_TYPE, id, group, sequence };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
