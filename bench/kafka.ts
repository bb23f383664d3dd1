import { kafkaBrokers } from '../test/kafka/support.js';

/** The one broker bench/globalSetup.ts started (undefined when java or mvn are missing). */
export const broker = kafkaBrokers[0];
export const brokers = broker?.brokers ?? '';
export const NO_BROKER = 'no Kafka broker (java or mvn missing)';

/** Every Kafka scenario's topic shape and switchyard concurrency (the workload). */
export const WORKLOAD = { partitions: 8, keys: 64, concurrency: 64 } as const;
