import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasJetStream, LOCAL_NATS } from '../servers/nats.js';
import { handlerModule, projectDir, runProcessor, type RunningProcessor } from '../processor/support.js';

// These machines run nats-server with JetStream on 127.0.0.1:4222; without it the test is skipped
// and says so (CI installs and starts it).
const available = await hasJetStream(LOCAL_NATS);
if (!available && process.env.CI === 'true') throw new Error(`processorNats: no JetStream on ${LOCAL_NATS}`);
if (!available)
  console.warn(`processorNats: no JetStream on ${LOCAL_NATS}; the NATS processor test is SKIPPED`);

let connection: NatsConnection | undefined;
beforeAll(async () => {
  if (available) connection = await connect({ servers: LOCAL_NATS });
});
afterAll(async () => connection?.drain());

let processor: RunningProcessor | undefined;
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});

describe('switchyard process on NATS JetStream', () => {
  it.skipIf(!available)(
    'NATS source → handler → NATS sink: every message stored on the out stream',
    async () => {
      const tag = randomUUID().slice(0, 8);
      const jsm = await jetstreamManager(connection!);
      await jsm.streams.add({ name: `proc_in_${tag}`, subjects: [`proc.${tag}.in`] });
      await jsm.streams.add({ name: `proc_out_${tag}`, subjects: [`proc.${tag}.out`] });
      const js = jetstream(connection!);
      for (let index = 0; index < 10; index++) await js.publish(`proc.${tag}.in`, `nats ${index}`);
      const dir = projectDir(
        `
processor:
  workers: 2
source:
  kind: nats
  servers: [${LOCAL_NATS}]
  stream: proc_in_${tag}
  subject: proc.${tag}.in
  durable: proc_${tag}
  createConsumer: true
  createStream: true
sink:
  kind: nats
  servers: [${LOCAL_NATS}]
  subject: proc.${tag}.out
`,
        { 'handler.mjs': handlerModule("return data.toString() + ' done';") },
      );
      processor = await runProcessor(dir);
      await processor.running.finished(10);
      expect(processor.outcomes.every((recorded) => recorded.outcome.kind === 'succeeded')).toBe(true);
      const bodies: string[] = [];
      for (let seq = 1; seq <= 10; seq++) {
        const stored = await jsm.streams.getMessage(`proc_out_${tag}`, { seq });
        bodies.push(stored!.string());
      }
      expect(bodies.sort()).toEqual(Array.from({ length: 10 }, (_, index) => `nats ${index} done`).sort());
      await jsm.streams.delete(`proc_in_${tag}`);
      await jsm.streams.delete(`proc_out_${tag}`);
    },
  );
});
