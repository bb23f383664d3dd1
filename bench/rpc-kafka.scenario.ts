import 'reflect-metadata';
import os from 'node:os';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { kafkaWire } from '@switchyard/rpc/kafka';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTopic, kafkaBrokers, silentLogger } from '../test/kafka/support.js';
import { startKafka, type RunningKafka } from '../test/servers/kafka.js';
import { callFor, type CallRound } from './rpc/calls.js';
import { startSwitchyard, type RpcSide } from './rpc/switchyardSide.js';
import { setting } from './support.js';

// The Kafka wire's calls/s and round-trip p50/p99 at concurrency 1 and 64: one ApiDaemon serving
// `bench.quote` on Kafka, a client bus with its own wire (its own reply topic) in this process.
// Rounds of BENCH_RPC_SECONDS each, the first a warm-up. Uses the bench's broker when it started
// one (a `kafka-*` scenario in the run), else starts Kafka 4.1.0 for this file.
const SECONDS = setting('BENCH_RPC_SECONDS', 5);
const ROUNDS = setting('BENCH_RPC_ROUNDS', 3);
const CONCURRENCIES = [1, 64] as const;

describe('switchyard RPC over Kafka', () => {
  let own: RunningKafka | undefined;
  let side: RpcSide | undefined;

  beforeAll(async () => {
    own = kafkaBrokers.length === 0 ? await startKafka('4.1.0') : undefined;
    const brokers = own?.brokers ?? kafkaBrokers[0]!.brokers;
    const topic = await createTopic(brokers);
    side = await startSwitchyard({
      argv: ['--kafka-brokers', brokers, '--topic', topic, '--group-id', 'bench-rpc.main'],
      transports: [kafkaTransportFactory],
      clientWire: () => kafkaWire({ brokers, logger: silentLogger }),
    });
  }, 120_000);

  afterAll(async () => {
    await side?.stop();
    await own?.stop();
  }, 60_000);

  for (const concurrency of CONCURRENCIES)
    it(`concurrency ${concurrency}`, { timeout: (ROUNDS + 1) * (SECONDS + 10) * 1000 }, async () => {
      const rounds: CallRound[] = [];
      for (let round = 0; round <= ROUNDS; round += 1) {
        const result = await callFor(side!.call, concurrency, SECONDS);
        if (round > 0) rounds.push(result);
      }
      const median = (values: number[]): number => values.toSorted((a, b) => a - b)[values.length >> 1]!;
      const figures = {
        callsPerSecond: median(rounds.map((round) => round.messages / round.seconds)),
        p50Ms: median(rounds.map((round) => round.p50Ms)),
        p99Ms: median(rounds.map((round) => round.p99Ms)),
        cpuMicrosPerCall: median(rounds.map((round) => round.cpuMicrosPerCall)),
        loadAverage: os.loadavg().map((load) => Number(load.toFixed(1))),
        rounds: rounds.map(({ messages, seconds, p50Ms, p99Ms }) => ({
          callsPerSecond: Math.round(messages / seconds),
          p50Ms: Number(p50Ms.toFixed(2)),
          p99Ms: Number(p99Ms.toFixed(2)),
        })),
      };
      console.log(`rpc-kafka c${concurrency}: ${JSON.stringify(figures)}`);
    });
});
