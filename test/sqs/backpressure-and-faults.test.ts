import { SQSClient, type ReceiveMessageCommandInput } from '@aws-sdk/client-sqs';
import { ContainerModule, type RunningDaemon } from '@switchyard/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultyProxy, type FaultyProxy } from '../servers/faultyProxy.js';
import { order, OrderDaemon, resetHandler, sleep } from './fixtures.js';
import { createQueue, elasticMq, finished, noElasticMq, sendRaw, sqsClient, startDaemon } from './support.js';

const client = sqsClient(elasticMq);

describe.skipIf(noElasticMq)('backpressure and server faults against ElasticMQ', () => {
  let running: RunningDaemon | undefined;
  let proxy: FaultyProxy | undefined;
  beforeEach(() => resetHandler());
  afterEach(async () => {
    await running?.stop();
    await proxy?.stop();
    running = proxy = undefined;
  });

  it('never asks for more messages than the daemon has room for', async () => {
    const queue = await createQueue(client, 'backpressure');
    for (let index = 0; index < 12; index += 1)
      await sendRaw(client, queue, JSON.stringify(order(`b-${index}`)));
    let handling = 0;
    const requests: Array<{ asked: number; handling: number }> = [];
    resetHandler(async () => {
      handling += 1;
      await sleep(200);
      handling -= 1;
    });
    const recording = new SQSClient({ endpoint: elasticMq, region: 'us-east-1', md5: false });
    recording.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ReceiveMessageCommand')
          requests.push({
            asked: (args.input as ReceiveMessageCommandInput).MaxNumberOfMessages ?? 1,
            handling,
          });
        return next(args);
      },
      { step: 'initialize', name: 'recordReceives' },
    );
    const overrides = new ContainerModule(({ rebind }) => {
      rebind(SQSClient).toConstantValue(recording);
    });
    running = await startDaemon(new OrderDaemon(), elasticMq, queue, ['--concurrency', '3'], {
      modules: [overrides],
    });
    await finished(running, 12);
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const request of requests) expect(request.asked + request.handling).toBeLessThanOrEqual(3);
  });

  for (const fault of [
    { status: 500, type: 'InternalError' },
    { status: 400, type: 'ThrottlingException' },
    { status: 403, type: 'ExpiredToken' },
  ])
    it(`${fault.type}: not ready while it lasts, consumes again once it ends`, async () => {
      const queue = await createQueue(client, 'faulty');
      proxy = await startFaultyProxy(elasticMq);
      proxy.fault = fault;
      running = await startDaemon(new OrderDaemon(), proxy.endpoint, queue, ['--set', 'sqs.maxAttempts=1']);
      while (running.status.consecutivePollFailures < 3) await sleep(20);
      expect(running.status.ready).toBe(false);
      expect(running.status.lastError).toContain(`injected ${fault.type}`);
      await sendRaw(client, queue, JSON.stringify(order('after-the-fault')));
      proxy.fault = undefined;
      await finished(running, 1);
      expect(running.counter.get('succeeded')).toBe(1);
      expect(running.status.ready).toBe(true);
    });
});
