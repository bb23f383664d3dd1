import { KafkaConfig } from '@switchyard/kafka';
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
/** The default: what a crash costs is measured as a deployment gets it. */
const COMMIT_DELAY_MS = new KafkaConfig().commitDelayMs;
/** A commit's round trip allowed on this shared 2-core machine: most take milliseconds, one took about a second at load 12. */
const COMMIT_ROUND_TRIP_MS = 1000;

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)('Kafka $version: SIGKILL ×10', ({ brokers }) => {
  const dir = scratchDir('kafka-crash');

  // Duplicates after a crash are the handled messages the committed offsets and their metadata do
  // not cover. What finished above a partition's lowest unfinished offset is in the metadata (and
  // skipped after the restart), so two kinds remain: (1) the handlers that had written their line
  // but not returned (at most the concurrency); (2) what finished after the last commit that
  // landed — a commit goes out commitDelayMs after the first finish it carries, one at a time, and
  // the one in flight at the kill may not have landed, so what was handled in the last
  // 2 × (commitDelayMs + a round trip) before the kill.
  it(`keyed, ${PARTITIONS} partitions: ${COUNT} messages, killed 10 times, nothing lost, duplicates within the bound`, async () => {
    const target = await kafkaTarget({
      brokers,
      partitions: PARTITIONS,
      count: COUNT,
      mode: 'keyed',
      concurrency: CONCURRENCY,
      settings: { 'kafka.maxBuffered': MAX_BUFFERED },
    });
    await produceRaw(brokers, target.topic, events(COUNT, KEYS), 1000);
    await crashAndRestart({
      ...target,
      name: 'kafka-crash',
      count: COUNT,
      keys: KEYS,
      dir: dir(),
      bound: { base: CONCURRENCY, windowMs: 2 * (COMMIT_DELAY_MS + COMMIT_ROUND_TRIP_MS) },
    });
  });
});
