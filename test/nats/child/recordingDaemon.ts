// A daemon process on NATS for the crash and start-up tests: handles TestEvent (slowly, by
// HANDLER_DELAY_MS) and appends "key seq messageId attempt" to RECORD_FILE as each handler finishes, so the
// parent can SIGKILL it mid-batch and count what ran.
import { appendFileSync } from 'node:fs';
import { ConsumerDaemon, handles, type HandlerContext } from '@switchyard/core';
import { natsTransportFactory } from '@switchyard/nats';
import { TestEvent } from '../../kafka/child/TestEvent.js';

const sink = process.env.RECORD_FILE ?? '/dev/null';
const delayMs = Number(process.env.HANDLER_DELAY_MS ?? '2');
const handler = handles(TestEvent)(async (message: object, context: HandlerContext) => {
  const event = message as TestEvent;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  appendFileSync(sink, `${event.key} ${event.seq} ${context.messageId} ${context.attempt}\n`);
});

class RecordingDaemon extends ConsumerDaemon {
  readonly name = 'nats-crash-test';
  override readonly handlers = [handler];
  override readonly transports = [natsTransportFactory];
}

await new RecordingDaemon().main(process.argv);
