import 'reflect-metadata';
import os from 'node:os';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { callFor, type CallRound } from './rpc/calls.js';
import { natsAnswers, NO_NATS } from './rpc/natsServer.js';
import { natsSetup, removeNatsLeftovers } from './rpc/natsWireSetup.js';
import { startSwitchyard, type RpcSide } from './rpc/switchyardSide.js';
import { setting } from './support.js';

// The NATS wire alone: calls/s and round-trip p50/p99 at concurrency 1 and 64, one ApiDaemon
// serving `bench.quote` on NATS JetStream and a client bus with its own connection in this process
// (bench/rpc.scenario.ts runs the same side beside Moleculer). Rounds of BENCH_RPC_SECONDS each,
// the first a warm-up; the figures are the medians of the others.
const SECONDS = setting('BENCH_RPC_SECONDS', 5);
const ROUNDS = setting('BENCH_RPC_ROUNDS', 3);
const CONCURRENCIES = [1, 64] as const;

describe('switchyard RPC over NATS JetStream', () => {
  let side: RpcSide | undefined;

  beforeAll(async () => {
    if (!(await natsAnswers())) throw new Error(NO_NATS);
    await removeNatsLeftovers();
    side = await startSwitchyard(natsSetup());
  }, 120_000);

  afterAll(async () => {
    await side?.stop();
    await removeNatsLeftovers();
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
        callsPerSecond: Math.round(median(rounds.map((round) => round.messages / round.seconds))),
        p50Ms: Number(median(rounds.map((round) => round.p50Ms)).toFixed(3)),
        p99Ms: Number(median(rounds.map((round) => round.p99Ms)).toFixed(3)),
        cpuMicrosPerCall: Math.round(median(rounds.map((round) => round.cpuMicrosPerCall))),
        loadAverage: os.loadavg().map((load) => Number(load.toFixed(1))),
        rounds: rounds.map(({ messages, seconds, p50Ms, p99Ms }) => ({
          callsPerSecond: Math.round(messages / seconds),
          p50Ms: Number(p50Ms.toFixed(3)),
          p99Ms: Number(p99Ms.toFixed(3)),
        })),
      };
      console.log(`rpc-nats c${concurrency}: ${JSON.stringify(figures)}`);
    });
});
