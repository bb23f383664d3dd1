import { createHash } from 'node:crypto';

/** SQS queue names: at most 80 characters of letters, digits, '-' and '_'. */
const MAX_QUEUE_NAME = 80;

/**
 * A queue that belongs to another (its dead-letter queue, an event's listener registry): the name
 * with `_<suffix>`. API, event and listener names never contain '_', so it can never be a lane's
 * own queue; a name that would pass 80 characters keeps its start and ends in a hash of the whole.
 */
export function companionQueueName(queue: string, suffix: string): string {
  const name = `${queue}_${suffix}`;
  if (name.length <= MAX_QUEUE_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${queue.slice(0, MAX_QUEUE_NAME - hash.length - suffix.length - 2)}-${hash}_${suffix}`;
}

/** The dead-letter queue of a request or listener queue. */
export const deadLetterQueueName = (queue: string): string => companionQueueName(queue, 'dlq');

/** The last path segment of a queue URL: its name. */
export function queueNameOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
