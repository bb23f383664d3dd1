import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { injectable, schema } from '@switchyard/core';
import { sqsTransportFactory } from '@switchyard/sqs';
import { api, ApiDaemon, createBus, rpc, type Bus } from '@switchyard/rpc';
import { sqsWire } from '@switchyard/rpc/sqs';
import { IsInt, IsNumber, IsString, Length, Min } from 'class-validator';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startElasticMq, type RunningElasticMq } from '../test/servers/elasticmq.js';
import { requireTool } from '../test/servers/requireTool.js';
import { createQueue, elasticMq, sqsClient } from '../test/sqs/support.js';
import { median, runScenario, SCENARIO_DIR, type FigureResult, type RoundResult } from './harness.js';
import { ROUNDS, serverRunning, setting } from './support.js';

// RPC on SQS (ElasticMQ): calls/s and round-trip p50/p99 of one small validated call at concurrency
// 1 and 64, through an ApiDaemon and a client bus on the SQS wire, beside the least a hand-written
// request/reply over the same server does with the AWS SDK (send to a request queue, a server
// long-polling it, reply to the client's queue, the client long-polling that). Each round is a
// closed loop of `concurrency` callers for BENCH_RPC_SECONDS.
const SECONDS = setting('BENCH_RPC_SECONDS', 3);
const CONCURRENCIES = [1, 64] as const;
const SERVER_CONCURRENCY = 64;
const java = requireTool('java', ['-version'], 'rpc-sqs') && requireTool('mvn', ['-v'], 'rpc-sqs');

@schema('application/vnd.bench.rpc-sqs.quote-request')
class QuoteRequest {
  @IsString() @Length(1, 40) orderId!: string;
  @IsInt() @Min(0) quantity!: number;
  @IsNumber() unitPrice!: number;
}

@schema('application/vnd.bench.rpc-sqs.quote')
class Quote {
  @IsString() orderId!: string;
  @IsNumber() total!: number;
}

const quoteOf = ({ orderId, quantity, unitPrice }: QuoteRequest): Quote => ({
  orderId,
  total: quantity * unitPrice,
});
const payload = (sequence: number): QuoteRequest => ({
  orderId: `order-${sequence % 100_000}`,
  quantity: 1 + (sequence % 7),
  unitPrice: 9.99,
});

@api('bench-sqs')
@injectable()
class BenchSqsApi {
  @rpc({ returns: Quote })
  async quote(params: QuoteRequest): Promise<Quote> {
    return quoteOf(params);
  }
}

type Call = (sequence: number) => Promise<unknown>;
interface Side {
  readonly call: Call;
  stop(): Promise<void>;
}
interface CallRound extends RoundResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** `concurrency` callers, each calling again once its reply is in, for `seconds`. */
async function callFor(call: Call, concurrency: number, seconds: number): Promise<CallRound> {
  const durations: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  let sequence = 0;
  let finished = started;
  const caller = async (): Promise<void> => {
    while (performance.now() < end) {
      const sent = performance.now();
      await call(sequence++);
      finished = performance.now();
      durations.push(finished - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const sorted = Float64Array.from(durations).sort();
  const at = (fraction: number) => sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
  return {
    messages: durations.length,
    seconds: (finished - started) / 1000,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

async function switchyardSide(endpoint: string): Promise<Side> {
  class BenchSqsDaemon extends ApiDaemon {
    readonly name = 'bench-rpc-sqs';
    override readonly apis = [BenchSqsApi];
    override readonly transports = [sqsTransportFactory];
  }
  const main = await createQueue(sqsClient(endpoint), 'bench-rpc-sqs-main');
  const running = await new BenchSqsDaemon().start({
    argv: [
      ...['--queue-url', main, '--endpoint-url', endpoint, '--concurrency', String(SERVER_CONCURRENCY)],
      ...['--set', 'daemon.logLevel=silent'],
    ],
    env: {},
  });
  const bus: Bus = await createBus({ wire: sqsWire({ sqs: { endpointUrl: endpoint } }) });
  const client = bus.api(BenchSqsApi);
  return {
    call: (sequence) => client.quote(payload(sequence), { deadlineMs: 30_000 }),
    stop: async () => {
      await bus.close();
      await running.stop();
    },
  };
}

/** Long polls `url` on `pollers` loops until `signal` aborts, deleting what `handle` was given. */
function pollLoops(
  client: SQSClient,
  url: string,
  pollers: number,
  signal: AbortSignal,
  handle: (message: Message) => Promise<void> | void,
): Promise<void[]> {
  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      const response = await client
        .send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }), {
          abortSignal: signal,
        })
        .catch((error: unknown) => {
          if (signal.aborted) return { Messages: [] };
          throw error;
        });
      const messages = response.Messages ?? [];
      if (messages.length === 0) continue;
      await Promise.all(messages.map(async (message) => handle(message)));
      void client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
  };
  return Promise.all(Array.from({ length: pollers }, loop));
}

/** The hand-written reference: no validation of the envelope, no pipeline, no deadline. */
async function rawSide(endpoint: string): Promise<Side> {
  const client = sqsClient(endpoint);
  const create = async (name: string) =>
    (await client.send(new CreateQueueCommand({ QueueName: `${name}-${randomUUID().slice(0, 8)}` })))
      .QueueUrl!;
  const [requests, replies] = await Promise.all([create('bench-raw-requests'), create('bench-raw-replies')]);
  const stopping = new AbortController();
  const pending = new Map<string, (body: string) => void>();
  const server = pollLoops(client, requests, 4, stopping.signal, async (message) => {
    const { id, params } = JSON.parse(message.Body!) as { id: string; params: QuoteRequest };
    await client.send(
      new SendMessageCommand({
        QueueUrl: replies,
        MessageBody: JSON.stringify({ id, result: quoteOf(params) }),
      }),
    );
  });
  const inbox = pollLoops(client, replies, 2, stopping.signal, (message) => {
    const { id } = JSON.parse(message.Body!) as { id: string };
    pending.get(id)?.(message.Body!);
    pending.delete(id);
  });
  return {
    call: async (sequence) => {
      const id = randomUUID();
      const reply = new Promise<string>((resolve) => pending.set(id, resolve));
      await client.send(
        new SendMessageCommand({
          QueueUrl: requests,
          MessageBody: JSON.stringify({ id, params: payload(sequence) }),
        }),
      );
      return JSON.parse(await reply) as unknown;
    },
    stop: async () => {
      stopping.abort();
      await Promise.all([server, inbox]);
      client.destroy();
    },
  };
}

/** A p50 or p99 figure from the rounds the calls/s scenario ran, written beside it. */
function writeFigure(
  name: string,
  metric: FigureResult['metric'],
  settings: Record<string, unknown>,
  samples: { switchyard: number[]; reference: number[] },
): void {
  const ms3 = (value: number) => Math.round(value * 1000) / 1000;
  const [ours, theirs] = [median(samples.switchyard), median(samples.reference)];
  const result: FigureResult = {
    name,
    metric,
    switchyard: ms3(ours),
    reference: ms3(theirs),
    referenceLabel: 'hand-written SDK request/reply',
    ratio: ms3(ours / theirs),
    rounds: samples.switchyard.length,
    settings,
    samples: { switchyard: samples.switchyard.map(ms3), reference: samples.reference.map(ms3) },
  };
  mkdirSync(SCENARIO_DIR, { recursive: true });
  writeFileSync(new URL(`${name}.json`, SCENARIO_DIR), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `${name}: ${metric}: switchyard ${result.switchyard}, reference ${result.reference}\n`,
  );
}

describe.skipIf(!serverRunning(java, 'rpc-sqs', 'no ElasticMQ (java or mvn missing)'))(
  'RPC on SQS (ElasticMQ)',
  () => {
    let own: RunningElasticMq | undefined;
    let ours: Side | undefined;
    let theirs: Side | undefined;
    beforeAll(async () => {
      // The bench's setup starts ElasticMQ for sqs-* files only: this one starts its own otherwise.
      let endpoint = elasticMq;
      if (endpoint === '') {
        own = await startElasticMq();
        endpoint = own.endpoint;
      }
      ours = await switchyardSide(endpoint);
      theirs = await rawSide(endpoint);
    });
    afterAll(async () => {
      await Promise.all([ours?.stop(), theirs?.stop()]);
      await own?.stop();
    });

    for (const concurrency of CONCURRENCIES)
      it(`concurrency ${concurrency}`, async () => {
        const rounds = { switchyard: [] as CallRound[], reference: [] as CallRound[] };
        const measured = (side: keyof typeof rounds, of: () => Side) => async () => {
          const round = await callFor(of().call, concurrency, SECONDS);
          rounds[side].push(round);
          return round;
        };
        const name = `rpc-sqs-c${concurrency}`;
        const settings = {
          server: 'ElasticMQ',
          concurrency,
          serverConcurrency: SERVER_CONCURRENCY,
          secondsPerRound: SECONDS,
          method: 'bench-sqs.quote (validate 3 fields, multiply, answer 2)',
        };
        await runScenario({
          name,
          settings,
          ...ROUNDS,
          reference: { label: 'hand-written SDK request/reply', run: measured('reference', () => theirs!) },
          switchyard: { label: 'switchyard SQS wire', run: measured('switchyard', () => ours!) },
        });
        // The warm-up rounds come first in each list.
        const kept = (side: keyof typeof rounds, pick: (round: CallRound) => number) =>
          rounds[side].slice(ROUNDS.warmupRounds).map(pick);
        for (const [metric, pick] of [
          ['p50 round trip ms', (round: CallRound) => round.p50Ms],
          ['p99 round trip ms', (round: CallRound) => round.p99Ms],
        ] as const)
          writeFigure(`${name}-${metric.slice(0, 3)}`, metric, settings, {
            switchyard: kept('switchyard', pick),
            reference: kept('reference', pick),
          });
      });
  },
);
