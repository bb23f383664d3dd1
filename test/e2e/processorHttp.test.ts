import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { handlerModule, projectDir, runProcessor, type RunningProcessor } from '../processor/support.js';

let processor: RunningProcessor | undefined;
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});

const HANDLER = handlerModule(`
  const text = data.toString();
  if (text === 'invalid') { const error = new Error('no greeting in the body'); error.name = 'RejectMessage'; throw error; }
  if (text === 'fail') throw new Error('the database is down');
  if (text === 'nothing') return undefined;
  if (text.startsWith('slow')) await new Promise((resolve) => setTimeout(resolve, 1500));
  return { echoed: text, key: context.key ?? null };
`);

async function startHttp(processorSection = 'workers: 1', consumer = ''): Promise<string> {
  const dir = projectDir(
    `
processor:
  ${processorSection}
source:
  kind: http
  port: 0
  host: 127.0.0.1
  path: /events
sink:
  kind: none
${consumer}
`,
    { 'handler.mjs': HANDLER },
  );
  processor = await runProcessor(dir);
  return `http://127.0.0.1:${processor.daemon.httpSource!.port}/events`;
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers });

describe('switchyard process with an HTTP source', () => {
  it("answers 200 with the handler's return value", async () => {
    const url = await startHttp();
    const response = await post(url, 'hello', { 'x-record-key': 'k-7' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echoed: 'hello', key: 'k-7' });
    const empty = await post(url, 'nothing');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('answers 422 with the reason for an invalid message, 413 for a body above the limit', async () => {
    const url = await startHttp('workers: 1', 'consumer:\n  maxBodyBytes: 100');
    const invalid = await post(url, 'invalid');
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain('no greeting in the body');
    const large = await post(url, 'x'.repeat(5000));
    expect(large.status).toBe(413);
    expect(await large.text()).toContain('consumer.maxBodyBytes');
  });

  it('answers 500 with Retry-After and the reason when the handler fails', async () => {
    const url = await startHttp();
    const response = await post(url, 'fail');
    expect(response.status).toBe(500);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await response.text()).toContain('the database is down');
  });

  it('answers 503 with Retry-After when the pool and its queue are full, and takes work again after', async () => {
    // One worker, a queue of 1: the daemon holds one message, one more waits for it; the rest are turned away.
    const url = await startHttp('workers: 1\n  queueSize: 1');
    const responses = await Promise.all(Array.from({ length: 6 }, (_, index) => post(url, `slow ${index}`)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
    const refused = responses.filter((response) => response.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const response of refused) {
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.text()).toContain('the worker pool is full');
    }
    expect((await post(url, 'after')).status).toBe(200);
  });

  it('refuses other paths (404) and methods (405)', async () => {
    const url = await startHttp();
    expect((await fetch(url.replace('/events', '/other'), { method: 'POST', body: 'x' })).status).toBe(404);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('a sender that hangs up still has its message handled once', async () => {
    const url = await startHttp();
    const controller = new AbortController();
    const sent = post(url, 'slow hang-up', {}).catch(() => undefined);
    void fetch(url, { method: 'POST', body: 'slow gone', signal: controller.signal }).catch(() => undefined);
    setTimeout(() => controller.abort(), 100);
    await sent;
    await until('both handled', () => processor!.outcomes.length >= 2, 10_000);
    expect(processor!.outcomes.map((recorded) => recorded.outcome.kind)).toEqual(['succeeded', 'succeeded']);
  });
});
