/**
 * What happened to one message. Every message ends in exactly one outcome, and every outcome maps
 * to one transport action:
 *
 * | outcome       | meaning                                         | transport action            |
 * |---------------|-------------------------------------------------|-----------------------------|
 * | succeeded     | the handler returned                            | ack                         |
 * | skipped       | the handler threw `SkipMessage`                 | ack                         |
 * | ignored       | no handler for the media type                   | ack (or dead-letter, config)|
 * | expired       | the TTL hop count reached zero                  | ack                         |
 * | retried       | the handler threw `Nack(delay)`                 | nack with that delay        |
 * | failed        | the handler threw; attempts remain              | nack with jittered backoff  |
 * | dead-lettered | invalid message, `RejectMessage`, or exhausted  | dead-letter with the reason |
 */
export type OutcomeKind =
  'succeeded' | 'skipped' | 'ignored' | 'expired' | 'retried' | 'failed' | 'dead-lettered';

export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'succeeded',
  'skipped',
  'ignored',
  'expired',
  'retried',
  'failed',
  'dead-lettered',
];

export interface Outcome {
  readonly kind: OutcomeKind;
  /** Why, in words: always set except for `succeeded`. */
  readonly reason?: string;
  /** Seconds until redelivery, for `retried` and `failed`. */
  readonly delaySeconds?: number;
  readonly error?: unknown;
}

export type TransportAction = 'ack' | 'nack' | 'dead-letter';

export function actionFor(outcome: Outcome): TransportAction {
  switch (outcome.kind) {
    case 'retried':
    case 'failed':
      return 'nack';
    case 'dead-lettered':
      return 'dead-letter';
    case 'succeeded':
    case 'skipped':
    case 'ignored':
    case 'expired':
      return 'ack';
  }
}
