import { randomUUID } from 'node:crypto';
import { createTopic as createTopicOnce } from '../kafka/support.js';

/**
 * createTopic, tried again when a freshly started broker answers the leader wait with "does not
 * host this topic-partition" (seen on 3.9.1 on a loaded machine); a topic the failed try did
 * create counts.
 */
export async function createTopic(brokers: string, partitions: number, name?: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const topic = name ?? `t-${randomUUID()}`;
    try {
      return await createTopicOnce(brokers, partitions, topic);
    } catch (error) {
      if (/already exists/i.test(String(error))) return topic;
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
