import { SqsConfig, SqsTransport } from '@switchyard/sqs';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueue, receiveAll, sendRaw, sqsClient, sqsServers } from './support.js';

const silent = pino({ level: 'silent' });
/** Longer than anything here waits: a message hidden for it is plainly hidden. */
const LEASE_SECONDS = 60;

/**
 * A daemon stopping while its long poll waits, and a message arriving right then (a restarted
 * service's first call): SQS keeps a poll the client gave up on open for the rest of its wait and
 * leases what arrives to it. With `sqs.waitForPollsAtStop` (the default) close lets the poll end and
 * sends what it got back to the queue, so the next consumer has it at once; cut off, the message is
 * hidden for its whole visibility timeout. Both are shown, on each server.
 */
for (const server of sqsServers)
  describe.skipIf(server.missing)(`SQS stop with a long poll in flight, on ${server.name}`, () => {
    const admin = sqsClient(server.endpoint);
    afterAll(() => admin.destroy());

    /** A transport whose poll waits, stopped as the daemon stops it; `body` is sent while it closes. */
    async function stopWhileAMessageArrives(waitForPollsAtStop: boolean, body: string): Promise<string> {
      const queueUrl = await createQueue(admin, 'stop-polls');
      const config = Object.assign(new SqsConfig(), {
        queueUrl,
        endpointUrl: server.endpoint,
        waitTimeSeconds: 3,
        visibilityTimeoutSeconds: LEASE_SECONDS,
        pollers: 1,
        waitForPollsAtStop,
      });
      const client = sqsClient(server.endpoint);
      const transport = new SqsTransport(client, config, silent, 10, async () => client.destroy());
      await transport.start();
      const stop = new AbortController();
      const receiving = transport.receive(10, stop.signal);
      // Not a timing check: lets the long poll reach the server.
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop.abort();
      const closing = transport.close();
      await sendRaw(admin, queueUrl, body);
      expect(await receiving).toEqual([]);
      await closing;
      return queueUrl;
    }

    /** The bodies on the queue now, read for up to `ms` (one 1-second poll, then more until `ms`). */
    const bodies = async (queueUrl: string, ms: number): Promise<string[]> =>
      (await receiveAll(admin, queueUrl, 1, ms)).map((message) => message.Body ?? '');

    it('waiting for the poll (the default): the message is back on the queue as the close returns', async () => {
      const queueUrl = await stopWhileAMessageArrives(true, 'arrived while stopping');
      expect(await bodies(queueUrl, 1000)).toEqual(['arrived while stopping']);
    });

    it('waitForPollsAtStop=false: the cut-off poll still leased the message, hidden for its lease', async () => {
      const queueUrl = await stopWhileAMessageArrives(false, 'leased to a dead poll');
      expect(await bodies(queueUrl, 2000)).toEqual([]);
    });
  });
