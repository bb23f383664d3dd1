import { startKafka, type RunningKafka } from '../../servers/kafka.js';

/**
 * startKafka, tried up to three times: it asks freePort() for the broker's and the controller's
 * port one after the other, and the OS may hand out the same free port twice ("two listeners on
 * the same port"), which fails the storage format.
 */
export async function startKafkaRetrying(version: string): Promise<RunningKafka> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startKafka(version);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('on the same port')) throw error;
    }
  }
}
