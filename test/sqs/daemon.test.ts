import {
  ConsumerDaemon,
  handles,
  injectable,
  schema,
  type HandlerContext,
  type MessageHandler,
} from '@switchyard/core';
import { sqsTransportFactory } from '@switchyard/sqs';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../servers/freePort.js';
import { Order, OrderDaemon, resetHandler, sleep } from './fixtures.js';
import {
  attribute,
  createQueue,
  elasticMq,
  finished,
  messagesLeft,
  noElasticMq,
  receiveAll,
  sqsClient,
  startDaemon,
} from './support.js';

const client = sqsClient(elasticMq);

// The README's example, verbatim but for the one line that lists the SQS transport.
const SIMPLE_MEDIA_TYPE = 'application/vnd.switchyard.simple';

@schema(SIMPLE_MEDIA_TYPE)
class SimpleMessage {
  @IsString() @MaxLength(1000) message!: string;
  @IsInt() @Min(0) timestamp!: number;
}

@injectable()
class Greeter {
  greet(text: string): string {
    return `hello, ${text}`;
  }
}

const greetings: string[] = [];

@handles(SimpleMessage)
@injectable()
class SimpleHandler implements MessageHandler<SimpleMessage> {
  constructor(private readonly greeter: Greeter) {}

  handle(message: SimpleMessage, context: HandlerContext): void {
    greetings.push(this.greeter.greet(message.message));
    context.logger.debug({ age: Date.now() - message.timestamp }, this.greeter.greet(message.message));
  }
}

class SimpleConsumerDaemon extends ConsumerDaemon {
  readonly name = 'simple-consumer';
  override readonly handlers = [SimpleHandler];
  override readonly transports = [sqsTransportFactory];
}

describe.skipIf(noElasticMq)('daemons on SQS: the example, the CLI, the SQS producer, broken servers', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  for (const flag of ['--queue-url', '--sqs-queue-url']) {
    it(`the README example runs against ElasticMQ with ${flag} and --endpoint-url`, async () => {
      greetings.length = 0;
      const queue = await createQueue(client, 'simple');
      const running = await new SimpleConsumerDaemon().start({
        argv: [
          flag,
          queue,
          '--endpoint-url',
          elasticMq,
          '--region',
          'eu-west-1',
          '--set',
          'daemon.logLevel=silent',
        ],
        env: {},
      });
      stops.push(() => running.stop());
      for (let index = 0; index < 5; index += 1)
        await running.producer.produce(SimpleMessage, { message: `m${index}`, timestamp: Date.now() });
      await finished(running, 5);
      expect(greetings.sort()).toEqual(['hello, m0', 'hello, m1', 'hello, m2', 'hello, m3', 'hello, m4']);
      await running.stop();
      expect(await messagesLeft(client, queue)).toBe(0);
    });
  }

  it('reads the queue URL from the environment (<DAEMON>__SQS__QUEUE_URL)', async () => {
    const queue = await createQueue(client, 'from-env');
    const running = await new OrderDaemon().start({
      argv: ['--set', 'daemon.logLevel=silent'],
      env: { ORDER_CONSUMER__SQS__QUEUE_URL: queue, ORDER_CONSUMER__SQS__ENDPOINT_URL: elasticMq },
    });
    stops.push(() => running.stop());
    await running.producer.produce(Order, { id: 'env', group: 'g', sequence: 0 });
    await finished(running, 1);
    expect(running.counter.get('succeeded')).toBe(1);
  });

  it('the SQS producer sends to a FIFO queue with the media type attribute and the key as group', async () => {
    resetHandler();
    const queue = await createQueue(client, 'consumed');
    const target = await createQueue(client, 'target.fifo');
    const running = await startDaemon(new OrderDaemon(), elasticMq, queue, [
      '--set',
      `sqs.producerQueueUrl=${target}`,
    ]);
    stops.push(() => running.stop());
    const id = await running.producer.produce(
      Order,
      { id: 'p', group: 'g', sequence: 1 },
      { key: 'group-7' },
    );
    const [sent] = await receiveAll(client, target, 1);
    expect(sent!.MessageId).toBe(id);
    expect(attribute(sent!, 'media_type')).toBe('application/vnd.switchyard.test.order');
    expect(sent!.Attributes?.MessageGroupId).toBe('group-7');
  });

  it('a queue that does not exist stops the start with an error naming the URL', async () => {
    const missing = `${elasticMq}/000000000000/no-such-queue-${process.pid}`;
    await expect(startDaemon(new OrderDaemon(), elasticMq, missing)).rejects.toThrow(
      new RegExp(`the sqs transport could not start: .*${missing}.*does not exist`),
    );
  });

  it('connection refused: the poll loop backs off, reports it and keeps trying', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const running = await startDaemon(new OrderDaemon(), closed, `${closed}/000000000000/q`, [
      '--set',
      'sqs.maxAttempts=1',
    ]);
    stops.push(() => running.stop());
    while (running.status.consecutivePollFailures < 3) await sleep(50);
    expect(running.status.ready).toBe(false);
    expect(running.status.lastError).toMatch(/ECONNREFUSED/);
  });
});
