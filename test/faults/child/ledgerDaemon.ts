// The fault suite's daemon: a real process (so a test can SIGKILL or SIGTERM it) on Kafka, SQS or NATS,
// with the health endpoint, whose handler appends to a ledger file. Each line is
// `<S|F> <key>/<seq> <messageId> <epoch ms>`: F when the handler finished (always), S when it
// started (only with LEDGER_STARTS=1). The test reads the ledger to count what was handled.
import { closeSync, openSync, writeSync } from 'node:fs';
import { ConsumerDaemon, handles, type HandlerContext } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { natsTransportFactory } from '@switchyard/nats';
import { healthPlugin } from '@switchyard/observability';
import { sqsTransportFactory } from '@switchyard/sqs';
import { TestEvent } from '../../kafka/child/TestEvent.js';

const ledger = openSync(process.env.LEDGER_FILE ?? '/dev/null', 'a');
const recordStarts = process.env.LEDGER_STARTS === '1';
// `20` or `50-200` (uniform): how long each handler takes.
const [minMs = 0, maxMs = minMs] = (process.env.HANDLER_DELAY_MS ?? '0').split('-').map(Number);

function record(kind: 'S' | 'F', event: TestEvent, context: HandlerContext): void {
  writeSync(ledger, `${kind} ${event.key}/${event.seq} ${context.messageId} ${Date.now()}\n`);
}

const handler = handles(TestEvent)(async (message: object, context: HandlerContext) => {
  const event = message as TestEvent;
  if (recordStarts) record('S', event, context);
  const delayMs = minMs + Math.random() * (maxMs - minMs);
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  record('F', event, context);
});

class LedgerDaemon extends ConsumerDaemon {
  readonly name = 'fault-test';
  override readonly handlers = [handler];
  override readonly transports = [kafkaTransportFactory, sqsTransportFactory, natsTransportFactory];
  override readonly plugins = [healthPlugin];
}

await new LedgerDaemon().main(process.argv);
closeSync(ledger);
