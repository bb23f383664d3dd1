import { describe, it } from 'vitest';
import { brokerCases, events, kafkaBrokers, produceRaw } from '../../kafka/support.js';
import { crashAndRestart } from './scenarios.js';
import { scratchDir } from './support.js';
import { kafkaTarget } from './transports.js';

// FAULT_MESSAGES scales the run down for a quick local try; the suite's figures are for 100k.
const COUNT = Number(process.env.FAULT_MESSAGES ?? 100_000);
const KEYS = 256;
const PARTITIONS = 8;
const CONCURRENCY = 64;
const MAX_BUFFERED = 1000;
const COMMIT_INTERVAL_MS = 500;

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)('Kafka $version: SIGKILL ×10', ({ brokers }) => {
  const dir = scratchDir('kafka-crash');

  // Duplicates after a crash are the handled messages at or above the last committed offset of
  // their partition. Two kinds: (1) finished after the last successful commit — commits go out
  // every commitIntervalMs, and the one in flight at the kill may not have landed, so at most what
  // was handled in the last 2 × commitIntervalMs plus two commit round trips (allowed 1 s each:
  // the broker shares two cores with everything else); (2) finished above the partition's lowest unfinished offset at that commit (keyed
  // mode completes out of offset order). A message can only overtake the lowest unfinished one
  // while that one waits in the delivery queue (bounded by maxBuffered) or runs beside it (bounded
  // by the concurrency), so (2) ≤ maxBuffered + concurrency.
  it(`keyed, ${PARTITIONS} partitions: ${COUNT} messages, killed 10 times, nothing lost, duplicates within the bound`, async () => {
    const target = await kafkaTarget({
      brokers,
      partitions: PARTITIONS,
      count: COUNT,
      mode: 'keyed',
      concurrency: CONCURRENCY,
      settings: { 'kafka.maxBuffered': MAX_BUFFERED, 'kafka.commitIntervalMs': COMMIT_INTERVAL_MS },
    });
    await produceRaw(brokers, target.topic, events(COUNT, KEYS), 1000);
    await crashAndRestart({
      ...target,
      name: 'kafka-crash',
      count: COUNT,
      keys: KEYS,
      dir: dir(),
      bound: { base: MAX_BUFFERED + CONCURRENCY, windowMs: 2 * COMMIT_INTERVAL_MS + 2000 },
    });
  });
});
