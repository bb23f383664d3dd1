import 'reflect-metadata';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { kafkaBrokers } from '../test/kafka/support.js';
import { NO_BROKER } from './kafka.js';
import { kafkaSetup, sqsSetup } from './rpc/brokerWireSetups.js';
import { serverRunning, setting } from './support.js';
import { runRpcScenario } from './rpc/measure.js';
import { startMoleculer } from './rpc/moleculerSide.js';
import { NATS_URL, NO_NATS, natsAnswers } from './rpc/natsServer.js';
import { natsSetup, removeNatsLeftovers } from './rpc/natsWireSetup.js';
import {
  memorySetup,
  SERVER_CONCURRENCY,
  startSwitchyard,
  type RpcSide,
  type WireSetup,
} from './rpc/switchyardSide.js';

// calls/s and round-trip p50/p99 of `bench.quote` at concurrency 1 and 64, on each wire, beside
// Moleculer 0.15 doing the same work: over the same NATS server for every networked wire, and in
// one broker (a local call) beside the embedded bus. Each round is a closed loop of `concurrency`
// callers for BENCH_RPC_SECONDS; sides alternate, the first round of each is a warm-up.
const SECONDS = setting('BENCH_RPC_SECONDS', 3);
const CONCURRENCIES = [1, 64] as const;
const natsUp = await natsAnswers();
// Started by bench/globalSetup.ts (missing without java and mvn: those wires are then left out, loudly).
const kafka = kafkaBrokers[0];
const elasticMq = inject('elasticMqEndpoint');
serverRunning(kafka !== undefined, 'rpc on the Kafka wire', NO_BROKER);
serverRunning(elasticMq !== '', 'rpc on the SQS wire', 'no ElasticMQ (java or mvn missing)');

type Reference = 'nats' | 'local';

interface WireCase {
  /** In scenario names: rpc-<id>-c<N>-vs-moleculer-<reference>. */
  readonly id: string;
  readonly label: string;
  readonly setup: () => Promise<WireSetup> | WireSetup;
  /** Moleculer over NATS (the reference), and for the embedded bus also Moleculer's local call. */
  readonly references: readonly Reference[];
  readonly settings: Record<string, unknown>;
  /** Removes what the wire left on its server, after its scenarios. */
  readonly cleanUp?: () => Promise<void>;
}

const REFERENCES: Record<Reference, { label: string; settings: string; url: string | undefined }> = {
  nats: { label: 'Moleculer over NATS', settings: `moleculer 0.15 + nats 2, ${NATS_URL}`, url: NATS_URL },
  local: {
    label: 'Moleculer local call',
    settings: 'moleculer 0.15, one broker, no transporter',
    url: undefined,
  },
};

const wires: WireCase[] = [
  {
    id: 'memory',
    label: 'switchyard embedded bus',
    setup: memorySetup,
    references: ['local', 'nats'],
    settings: { wire: 'memory' },
  },
  {
    id: 'nats',
    label: 'switchyard NATS wire',
    setup: natsSetup,
    references: ['nats'],
    settings: { wire: 'nats', server: NATS_URL },
    cleanUp: removeNatsLeftovers,
  },
  ...(kafka === undefined
    ? []
    : [
        {
          id: 'kafka',
          label: 'switchyard Kafka wire',
          setup: () => kafkaSetup(kafka.brokers),
          references: ['nats'] as const,
          settings: { wire: 'kafka', kafka: kafka.version },
        },
      ]),
  ...(elasticMq === ''
    ? []
    : [
        {
          id: 'sqs',
          label: 'switchyard SQS wire (ElasticMQ)',
          setup: () => sqsSetup(elasticMq),
          references: ['nats'] as const,
          settings: { wire: 'sqs', server: 'ElasticMQ' },
        },
      ]),
];

function wireScenarios(wire: WireCase, reference: Reference): void {
  const { label, settings, url } = REFERENCES[reference];
  describe(`${wire.label} vs ${label}`, () => {
    let ours: RpcSide | undefined;
    let theirs: RpcSide | undefined;
    beforeAll(async () => {
      ours = await startSwitchyard(await wire.setup());
      theirs = await startMoleculer(url);
    });
    afterAll(async () => {
      await Promise.all([ours?.stop(), theirs?.stop()]);
      await wire.cleanUp?.();
    });

    for (const concurrency of CONCURRENCIES)
      it(`concurrency ${concurrency}`, async () => {
        await runRpcScenario({
          name: `rpc-${wire.id}-c${concurrency}-vs-moleculer-${reference}`,
          concurrency,
          seconds: SECONDS,
          settings: {
            ...wire.settings,
            serverConcurrency: SERVER_CONCURRENCY,
            method: 'bench.quote (validate 3 fields, multiply, answer 2)',
            reference: settings,
          },
          switchyard: { label: wire.label, side: ours! },
          reference: { label, side: theirs! },
        });
      });
  });
}

const casesOf = (reference: Reference): WireCase[] =>
  wires.filter((wire) => wire.references.includes(reference));

describe('RPC round trips', () => {
  for (const wire of casesOf('local')) wireScenarios(wire, 'local');
  describe.skipIf(!serverRunning(natsUp, 'rpc (Moleculer over NATS, the NATS wire)', NO_NATS))(
    'beside Moleculer over NATS',
    () => {
      for (const wire of casesOf('nats')) wireScenarios(wire, 'nats');
    },
  );
});
