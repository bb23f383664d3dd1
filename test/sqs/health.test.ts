import { healthPlugin } from '@switchyard/observability';
import { describe, expect, it } from 'vitest';
import { freePort } from '../servers/freePort.js';
import { order, OrderDaemon, sleep } from './fixtures.js';
import { createQueue, daemonPerTest, finished, sendRaw, sqsClient, sqsServers, until } from './support.js';

class ProbedDaemon extends OrderDaemon {
  override readonly plugins = [healthPlugin];
}

async function probe(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

for (const server of sqsServers)
  describe.skipIf(server.missing)(`health probes of an idle SQS daemon against ${server.name}`, () => {
    const client = sqsClient(server.endpoint);
    const start = daemonPerTest();

    // An empty long poll is a poll: it must count for readiness and liveness like one with messages.
    it('is ready on an empty queue and stays live while idle longer than stallSeconds', async () => {
      const queue = await createQueue(client, 'idle');
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/health`;
      const running = await start(new ProbedDaemon(), server.endpoint, queue, [
        '--healthcheck-port',
        String(port),
        '--set',
        'health.host=127.0.0.1',
        '--set',
        'health.stallSeconds=2',
      ]);
      await until('ready on the empty queue', async () => (await probe(`${url}/ready`)).status === 200, 5000);
      await sendRaw(client, queue, JSON.stringify(order('one')));
      await finished(running, 1);
      await sleep(3500);
      const live = await probe(`${url}/live`);
      expect(live.status, JSON.stringify(live.body)).toBe(200);
      expect(live.body.secondsSinceLastPoll).toBeLessThan(2);
      expect((await probe(`${url}/ready`)).status).toBe(200);
    });
  });
