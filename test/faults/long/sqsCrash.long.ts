import { describe, it } from 'vitest';
import { elasticMq, noElasticMq } from '../../sqs/support.js';
import { crashAndRestart } from './scenarios.js';
import { eventIds, scratchDir } from './support.js';
import { sqsTarget } from './transports.js';

// FAULT_MESSAGES scales the run down for a quick local try; the suite's figures are for 100k.
const COUNT = Number(process.env.FAULT_MESSAGES ?? 100_000);
const KEYS = 256;
const CONCURRENCY = 64;
const ACK_FLUSH_MS = 20;

describe.skipIf(noElasticMq)('ElasticMQ: SIGKILL ×10', () => {
  const dir = scratchDir('sqs-crash');

  // Duplicates after a crash are the handled messages that were not deleted: those whose handler
  // had written its ledger line but not returned (at most the concurrency), and those acked but
  // still waiting for their DeleteMessageBatch (sent after ackFlushMs, or at 10) or in one — what
  // was handled in the last ackFlushMs + 1 s (the calls' round trips on a loaded machine).
  // Received but unhandled messages (the pollers' prefetch) come back after the 5 s visibility
  // timeout and are handled once: late, not duplicated.
  it(`${COUNT} messages, killed 10 times, nothing lost, duplicates within the bound`, async () => {
    const target = await sqsTarget({
      endpoint: elasticMq,
      visibilityTimeoutSeconds: 5,
      concurrency: CONCURRENCY,
      settings: { 'sqs.pollers': 8, 'sqs.ackFlushMs': ACK_FLUSH_MS },
    });
    await target.send(eventIds(COUNT, KEYS));
    await crashAndRestart({
      ...target,
      name: 'sqs-crash',
      count: COUNT,
      keys: KEYS,
      dir: dir(),
      bound: { base: CONCURRENCY, windowMs: ACK_FLUSH_MS + 1000 },
    });
  });
});
