import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueUrlCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { createLogger, injectable, schema, SwitchyardError, type RunningDaemon } from '@switchyard/core';
import { isMissingQueue, SqsErrorCodes } from '@switchyard/sqs';
import {
  api,
  ApiDaemon,
  apiMetadata,
  RemoteError,
  rpc,
  createBus,
  RpcErrorCodes,
  RpcTimeoutError,
  wireAddresses,
  type RpcWire,
} from '@switchyard/rpc';
import { deadLetterQueueName, METHODS_TAG, sqsWire } from '@switchyard/rpc/sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleApis } from '../support/rpcFixtures.js';
import { deadLetterReasons, startApiDaemon, type EventMode } from './rpcSupport.js';
import { observedClient, sqsClient, sqsServers } from './support.js';

const addresses = wireAddresses.sqs;
const silent = createLogger('rpc-wire-test', 'silent', 'json');

@schema('application/vnd.test.rpc-sqs.size')
class Size {
  @IsInt() @Min(0) @Max(1_000_000) bytes!: number;
  @IsString() padding!: string;
}

@schema('application/vnd.test.rpc-sqs.text')
class Text {
  @IsString() text!: string;
}

/** Messages of any size, both ways. */
function bigApi(name: string) {
  @api(name)
  @injectable()
  class BigApi {
    @rpc({ returns: Text })
    async echo(params: Size): Promise<Text> {
      return { text: 'x'.repeat(params.bytes) };
    }
  }
  return BigApi;
}
const code = (error: unknown): string | undefined => (SwitchyardError.is(error) ? error.code : undefined);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function queueUrl(endpoint: string, name: string): Promise<string | undefined> {
  try {
    return (await sqsClient(endpoint).send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (isMissingQueue(error)) return undefined;
    throw error;
  }
}

async function tagsOf(endpoint: string, name: string): Promise<Record<string, string>> {
  const url = await queueUrl(endpoint, name);
  return (await sqsClient(endpoint).send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {};
}

/** A daemon logger whose JSON lines the test reads. */
function capturedLogger(): {
  logger: ReturnType<typeof createLogger>;
  lines: Array<Record<string, unknown>>;
} {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('example', 'warn', 'json', destination), lines };
}

for (const server of sqsServers) {
  const events: EventMode = server.name === 'fauxqs' ? 'sns' : 'sqs';
  const { endpoint } = server;

  describe.skipIf(server.missing)(`the SQS RPC wire on ${server.name} (events through ${events})`, () => {
    let apiName: string;
    let apis: ReturnType<typeof exampleApis>;
    const daemons: RunningDaemon[] = [];
    const closing: Array<{ close(): Promise<void> }> = [];

    const serving = (): ApiDaemon =>
      new (class ExampleDaemon extends ApiDaemon {
        readonly name = 'example';
        override readonly apis = [apis.ExampleApi];
      })();
    const listening = (): ApiDaemon =>
      new (class AuditDaemon extends ApiDaemon {
        readonly name = 'audit';
      })();
    const start = async (
      daemon: ApiDaemon,
      argv: readonly string[] = [],
      options: Parameters<typeof startApiDaemon>[4] = {},
    ): Promise<RunningDaemon> => {
      const running = await startApiDaemon(daemon, endpoint, events, argv, options);
      daemons.push(running);
      return running;
    };
    /** A client wire (1 s long polls), its bus, and the reply queue its inbox opened. */
    const client = async (
      wire: RpcWire = sqsWire({ sqs: { endpointUrl: endpoint, waitTimeSeconds: 1 }, events, logger: silent }),
    ) => {
      let replyTo = '';
      const watched: RpcWire = {
        ...wire,
        openInbox: async (clientId, onReply) => {
          const inbox = await wire.openInbox(clientId, onReply);
          replyTo = inbox.address;
          return inbox;
        },
      };
      const bus = await createBus({ wire: watched });
      closing.push(bus, wire);
      return { bus, wire, replyTo, replyQueue: replyTo.slice(replyTo.lastIndexOf('/') + 1) };
    };

    beforeEach(() => {
      apiName = `sqsw${randomUUID().slice(0, 8)}`;
      apis = exampleApis(apiName);
    });
    afterEach(async () => {
      apis.served.release();
      for (const open of closing.splice(0)) await open.close();
      await Promise.all(daemons.splice(0).map((running) => running.stop()));
    });

    it('serve creates the request queue and its _dlq, and records the methods in a tag', async () => {
      await start(serving());
      const tags = await tagsOf(endpoint, addresses.requests(apiName));
      expect(tags[METHODS_TAG]?.split(',').sort()).toEqual(
        [...apiMetadata(apis.ExampleApi).methods.keys()].sort(),
      );
      expect(await queueUrl(endpoint, deadLetterQueueName(addresses.requests(apiName)))).toBeDefined();
    });

    it('the reply queue rpc-reply-<clientId> exists while the bus is open and is deleted at close', async () => {
      await start(serving());
      const { bus, replyQueue } = await client();
      expect(replyQueue).toMatch(/^rpc-reply-[0-9a-f-]{36}$/);
      await bus.api(apis.ExampleApi).helloWorld({ name: 'Ada' });
      expect(await queueUrl(endpoint, replyQueue)).toBeDefined();
      await bus.close();
      expect(await queueUrl(endpoint, replyQueue)).toBeUndefined();
    });

    it('a reply queue deleted under an open bus is created again, and calls are answered again', async () => {
      await start(serving());
      const { bus, replyTo } = await client();
      await bus.api(apis.ExampleApi).helloWorld({ name: 'before' });
      await sqsClient(endpoint).send(new DeleteQueueCommand({ QueueUrl: replyTo }));
      const answered = (): Promise<boolean> =>
        bus
          .api(apis.ExampleApi)
          .helloWorld({ name: 'after' }, { deadlineMs: 2000 })
          .then(
            () => true,
            () => false,
          );
      await expect.poll(answered, { timeout: 30_000, interval: 500 }).toBe(true);
      expect(await queueUrl(endpoint, replyTo.slice(replyTo.lastIndexOf('/') + 1))).toBe(replyTo);
    });

    it('who serves an API is looked up once for many calls, and an unserved API fails without sending', async () => {
      await start(serving());
      const commands: string[] = [];
      const observed = observedClient(endpoint, (command, input) => {
        commands.push(
          `${command.replace(/Command$/, '')} ${(input.QueueName ?? input.QueueUrl ?? '') as string}`,
        );
      });
      const wire = sqsWire({
        sqs: { endpointUrl: endpoint, waitTimeSeconds: 1 },
        events,
        sqsClient: observed,
        logger: silent,
      });
      const { bus } = await client(wire);
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          bus.api(apis.ExampleApi).helloWorld({ name: `n${index}` }, { deadlineMs: 20_000 }),
        ),
      );
      expect(replies).toHaveLength(50);
      const requestQueue = addresses.requests(apiName);
      const about = (command: string) =>
        commands.filter((line) => line.startsWith(`${command} `) && line.includes(requestQueue));
      expect(about('GetQueueUrl')).toHaveLength(1);
      expect(about('ListQueueTags')).toHaveLength(1);
      expect(about('SendMessage')).toHaveLength(50);
      const unserved = await bus
        .api(apis.UnservedApi)
        .ping({}, { deadlineMs: 20_000 })
        .catch((error: unknown) => error);
      expect(code(unserved)).toBe(RpcErrorCodes.API_UNKNOWN);
      expect(commands.filter((line) => line.includes(addresses.requests(`${apiName}-nobody`)))).toEqual([
        `GetQueueUrl ${addresses.requests(`${apiName}-nobody`)}`,
      ]);
      observed.destroy();
    });

    it('a reply to a client that has gone resolves false, is logged, and the daemon goes on serving', async () => {
      const { logger, lines } = capturedLogger();
      const running = await start(serving(), [], { logger });
      const gone = await client();
      apis.served.closeGate();
      const waiting = gone.bus
        .api(apis.ExampleApi)
        .block({}, { deadlineMs: 30_000 })
        .catch((error: unknown) => error);
      await expect.poll(() => apis.served.inFlight).toBe(1);
      await gone.bus.close();
      expect(code(await waiting)).toBe(RpcErrorCodes.BUS_CLOSED);
      expect(await queueUrl(endpoint, gone.replyQueue)).toBeUndefined();
      apis.served.release();
      await expect
        .poll(() => lines.filter((line) => line.msg === 'the caller has gone; reply dropped'))
        .toEqual([expect.objectContaining({ replyTo: gone.replyTo })]);
      await expect.poll(() => running.counter.get('succeeded')).toBe(1);
      const { bus } = await client();
      expect(await bus.api(apis.ExampleApi).helloWorld({ name: 'Bo' })).toEqual({ greeting: 'hello Bo' });
      // The wire itself says so, and never sends to a queue that is not a reply queue.
      const wire = sqsWire({ sqs: { endpointUrl: endpoint }, events, logger });
      closing.push(wire);
      expect(await wire.sendReply(gone.replyTo, '{}')).toBe(false);
      const requestQueue = await queueUrl(endpoint, addresses.requests(apiName));
      expect(await wire.sendReply(requestQueue!, '{}')).toBe(false);
      expect(lines.map((line) => line.msg)).toContain(
        'a call named a reply address that is not a reply queue; not sent',
      );
    });

    it('a call queued while the serving daemon restarts is answered by the new one', async () => {
      const first = await start(serving());
      const { bus } = await client();
      await bus.api(apis.ExampleApi).helloWorld({ name: 'before' });
      await first.stop();
      const answer = bus.api(apis.ExampleApi).helloWorld({ name: 'during' }, { deadlineMs: 30_000 });
      // The call waits in rpc-<api> while nobody consumes it.
      await sleep(1500);
      const second = await start(serving());
      expect(await answer).toEqual({ greeting: 'hello during' });
      await expect.poll(() => second.counter.get('succeeded')).toBe(1);
    });

    it('a call whose deadline passes while the daemon is down times out (never hangs), and the new daemon never runs it', async () => {
      const first = await start(serving());
      const { bus } = await client();
      await bus.api(apis.ExampleApi).helloWorld({ name: 'before' });
      await first.stop();
      const late = await bus
        .api(apis.ExampleApi)
        .count({}, { deadlineMs: 500 })
        .catch((error: unknown) => error);
      expect(late).toBeInstanceOf(RpcTimeoutError);
      const second = await start(serving());
      await expect.poll(() => second.counter.get('skipped'), { timeout: 15_000 }).toBe(1);
      expect(apis.served.counted).toBe(0);
      // Calls work again on the new daemon.
      expect(await bus.api(apis.ExampleApi).helloWorld({ name: 'after' })).toEqual({
        greeting: 'hello after',
      });
    });

    it('a listener queue and its _dlq per listener name; a failing listener dead-letters to its own _dlq', async () => {
      const example = serving();
      await start(example);
      const audit = listening();
      await start(audit, ['--set', 'consumer.maxAttempts=1']);
      const audited: string[] = [];
      await audit.bus
        .api(apis.ExampleApi)
        .userRegistered.listen((payload) => void audited.push(payload.userId), { listenerName: 'audit-log' });
      await audit.bus.api(apis.ExampleApi).userRegistered.listen(
        () => {
          throw new Error('mail server down');
        },
        { listenerName: 'mailer' },
      );
      await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'u1' });
      await expect.poll(() => audited, { timeout: 15_000 }).toEqual(['u1']);
      const mailer = addresses.listener(apiName, 'userRegistered', 'mailer');
      const auditLog = addresses.listener(apiName, 'userRegistered', 'audit-log');
      await expect
        .poll(() => deadLetterReasons(sqsClient(endpoint), mailer), { timeout: 15_000 })
        .toEqual(['gave up after 1 attempts: mail server down']);
      expect(await deadLetterReasons(sqsClient(endpoint), auditLog)).toEqual([]);
    });

    it('a reply too large for SQS reaches the caller as a RemoteError saying so; a call too large is refused before sending', async () => {
      const BigApi = bigApi(`${apiName}-big`);
      await start(
        new (class BigDaemon extends ApiDaemon {
          readonly name = 'big';
          override readonly apis = [BigApi];
        })(),
      );
      const { bus } = await client();
      expect(await bus.api(BigApi).echo({ bytes: 10, padding: '' })).toEqual({ text: 'x'.repeat(10) });
      const tooLarge = await bus
        .api(BigApi)
        .echo({ bytes: 300_000, padding: '' })
        .catch((error: unknown) => error);
      expect(tooLarge).toBeInstanceOf(RemoteError);
      expect(code(tooLarge)).toBe(RpcErrorCodes.REMOTE_FAILED);
      expect((tooLarge as RemoteError).remoteMessage).toMatch(
        /^the reply is \d+ bytes; SQS carries at most 262144 bytes per message$/,
      );
      const refused = await bus
        .api(BigApi)
        .echo({ bytes: 1, padding: 'p'.repeat(300_000) })
        .catch((error: unknown) => error);
      expect(code(refused)).toBe(SqsErrorCodes.MESSAGE_TOO_LARGE);
      expect((refused as Error).message).toMatch(
        new RegExp(`^the ${apiName}-big call is \\d+ bytes; SQS carries at most`),
      );
    });

    if (events === 'sns')
      it('on SNS: one topic per event, each listener queue subscribed with raw delivery', async () => {
        const audit = listening();
        await start(serving());
        await start(audit);
        for (const listenerName of ['audit-log', 'mailer'])
          await audit.bus.api(apis.ExampleApi).userRegistered.listen(() => undefined, { listenerName });
        const sns = new SNSClient({ endpoint, region: 'us-east-1' });
        const topicName = addresses.events(apiName, 'userRegistered');
        const { Topics } = await sns.send(new ListTopicsCommand({}));
        const topicArn = Topics?.map((topic) => topic.TopicArn!).find((arn) => arn.endsWith(`:${topicName}`));
        expect(topicArn).toBeDefined();
        const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
        expect(Subscriptions?.map((subscription) => subscription.Endpoint!.split(':').at(-1)).sort()).toEqual(
          [
            addresses.listener(apiName, 'userRegistered', 'audit-log'),
            addresses.listener(apiName, 'userRegistered', 'mailer'),
          ].sort(),
        );
        for (const subscription of Subscriptions ?? []) {
          const { Attributes } = await sns.send(
            new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn }),
          );
          expect(Attributes?.RawMessageDelivery).toBe('true');
        }
        sns.destroy();
      });

    if (events === 'sqs')
      it('without SNS: listeners recorded on the event registry queue; an event without listeners goes nowhere; a deleted listener queue does not stop the others', async () => {
        const example = serving();
        await start(example);
        // Nobody listens yet: accepted, sent nowhere.
        await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'nobody' });
        const audit = listening();
        await start(audit);
        const audited: string[] = [];
        await audit.bus
          .api(apis.ExampleApi)
          .userRegistered.listen((payload) => void audited.push(payload.userId), {
            listenerName: 'audit-log',
          });
        await audit.bus
          .api(apis.ExampleApi)
          .userRegistered.listen(() => undefined, { listenerName: 'mailer' });
        const registry = `${addresses.events(apiName, 'userRegistered')}__listeners`;
        expect(await tagsOf(endpoint, registry)).toEqual({
          'listener:audit-log': addresses.listener(apiName, 'userRegistered', 'audit-log'),
          'listener:mailer': addresses.listener(apiName, 'userRegistered', 'mailer'),
        });
        const mailerUrl = await queueUrl(endpoint, addresses.listener(apiName, 'userRegistered', 'mailer'));
        await sqsClient(endpoint).send(new DeleteQueueCommand({ QueueUrl: mailerUrl }));
        await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'u1' });
        await expect.poll(() => audited, { timeout: 15_000 }).toEqual(['u1']);
      });
  });
}
