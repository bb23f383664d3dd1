import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import { CallsInFlight } from '../src/CallsInFlight.js';
import { SharedClient } from '../src/SharedClient.js';

/** A real SDK client whose calls never reach the network: each is answered after `answerMs`. */
function offlineClient(answerMs: number): SQSClient {
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    md5: false,
  });
  client.middlewareStack.add(
    () => () =>
      new Promise((resolve) =>
        setTimeout(() => resolve({ output: { $metadata: {} }, response: {} }), answerMs),
      ),
    { step: 'build', name: 'answerOffline' },
  );
  return client;
}

describe('SharedClient', () => {
  it('destroys the client once, when the last user lets go', async () => {
    const client = offlineClient(0);
    const destroy = vi.spyOn(client, 'destroy');
    const shared = new SharedClient(client);
    const transport = shared.use();
    const producer = shared.use();
    await transport();
    await transport();
    expect(destroy).not.toHaveBeenCalled();
    await producer();
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it('lets a call running on the client finish before destroying it', async () => {
    const client = offlineClient(50);
    const events: string[] = [];
    vi.spyOn(client, 'destroy').mockImplementation(() => void events.push('destroyed'));
    const release = new SharedClient(client).use();
    const sent = client
      .send(new SendMessageCommand({ QueueUrl: 'http://127.0.0.1:9/q', MessageBody: '{}' }))
      .then(() => events.push('answered'));
    await release();
    await sent;
    expect(events).toEqual(['answered', 'destroyed']);
  });
});

describe('CallsInFlight', () => {
  it('waits for the calls running now, failed ones included', async () => {
    const calls = new CallsInFlight();
    const order: string[] = [];
    void calls.track(new Promise((resolve) => setTimeout(() => resolve(order.push('sent')), 50)));
    calls.track(Promise.reject(new Error('refused'))).catch(() => undefined);
    await calls.settled(5000);
    order.push('closed');
    expect(order).toEqual(['sent', 'closed']);
  });

  it('stops waiting after the timeout when a call never ends', async () => {
    const calls = new CallsInFlight();
    void calls.track(new Promise(() => undefined));
    // Unbounded, this would never resolve and the test would time out.
    await expect(calls.settled(100)).resolves.toBeUndefined();
  });
});
