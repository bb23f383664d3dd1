import type { TransportMessage } from '@switchyard/core';
import type { Invocation } from './Invocation.js';

/**
 * One record of a Lambda event as core sees it, plus the invocation it belongs to (whose result
 * learns its outcome) and how Lambda names it in a partial batch response.
 */
export interface LambdaMessage extends TransportMessage {
  readonly invocation: Invocation;
  /** SQS: the messageId; Kafka: `{ partition: "topic-partition", offset }`; SNS: the MessageId. */
  readonly itemIdentifier: ItemIdentifier;
}

export type ItemIdentifier = string | { readonly partition: string; readonly offset: number };

/** The invocation of a message the Lambda transport handed out, or undefined for any other. */
export function invocationOf(message: TransportMessage): Invocation | undefined {
  return (message as Partial<LambdaMessage>).invocation;
}
