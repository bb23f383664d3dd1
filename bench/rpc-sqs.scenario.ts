import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sqsTransportFactory } from '@switchyard/sqs';
import { sqsWire } from '@switchyard/rpc/sqs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startElasticMq, type RunningElasticMq } from '../test/servers/elasticmq.js';
import { requireTool } from '../test/servers/requireTool.js';
import { createQueue, elasticMq, sqsClient } from '../test/sqs/support.js';
import { payload, quoteOf, type QuoteRequest } from './rpc/benchApi.js';
import { runRpcScenario } from './rpc/measure.js';
import { SERVER_CONCURRENCY, startSwitchyard, type RpcSide } from './rpc/switchyardSide.js';
import { serverRunning, setting } from './support.js';

// RPC on SQS (ElasticMQ): calls/s and round-trip p50/p99 of one small validated call at concurrency
// 1 and 64, through an ApiDaemon and a client bus on the SQS wire, beside the least a hand-written
// request/reply over the same server does with the AWS SDK (send to a request queue, a server
// long-polling it, reply to the client's queue, the client long-polling that). Each round is a
// closed loop of `concurrency` callers for BENCH_RPC_SECONDS.
const SECONDS = setting('BENCH_RPC_SECONDS', 3);
const CONCURRENCIES = [1, 64] as const;
const java = requireTool('java', ['-version'], 'rpc-sqs') && requireTool('mvn', ['-v'], 'rpc-sqs');

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
async function rawSide(endpoint: string): Promise<RpcSide> {
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

describe.skipIf(!serverRunning(java, 'rpc-sqs', 'no ElasticMQ (java or mvn missing)'))(
  'RPC on SQS (ElasticMQ)',
  () => {
    let own: RunningElasticMq | undefined;
    let ours: RpcSide | undefined;
    let theirs: RpcSide | undefined;
    beforeAll(async () => {
      // The bench's setup starts ElasticMQ for sqs-* files only: this one starts its own otherwise.
      let endpoint = elasticMq;
      if (endpoint === '') {
        own = await startElasticMq();
        endpoint = own.endpoint;
      }
      const main = await createQueue(sqsClient(endpoint), 'bench-rpc-sqs-main');
      ours = await startSwitchyard({
        argv: ['--queue-url', main, '--endpoint-url', endpoint],
        transports: [sqsTransportFactory],
        clientWire: async () => sqsWire({ sqs: { endpointUrl: endpoint } }),
      });
      theirs = await rawSide(endpoint);
    });
    afterAll(async () => {
      await Promise.all([ours?.stop(), theirs?.stop()]);
      await own?.stop();
    });

    for (const concurrency of CONCURRENCIES)
      it(`concurrency ${concurrency}`, async () => {
        await runRpcScenario({
          name: `rpc-sqs-c${concurrency}`,
          concurrency,
          seconds: SECONDS,
          settings: {
            server: 'ElasticMQ',
            serverConcurrency: SERVER_CONCURRENCY,
            method: 'bench.quote (validate 3 fields, multiply, answer 2)',
            reference: 'AWS SDK v3: a request queue, 4 server long polls, a reply queue, 2 client long polls',
          },
          switchyard: { label: 'switchyard SQS wire', side: ours! },
          reference: { label: 'hand-written SDK request/reply', side: theirs! },
        });
      });
  },
);
