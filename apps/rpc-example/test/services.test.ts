import { onEmbeddedBus } from '../src/placement.js';
import { orderScenarios } from './scenarios.js';

// The same journeys run on Kafka, SQS and NATS in test/kafka, test/sqs and test/nats (rpcExample.test.ts).
orderScenarios(onEmbeddedBus());
