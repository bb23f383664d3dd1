// A daemon process for the crash test: handles TestEvent slowly and appends "key seq offset" to a
// file as each handler finishes, so the parent can SIGKILL it mid-stream and count what ran.
import { appendFileSync } from 'node:fs';
import { ConsumerDaemon, handles, type HandlerContext } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { TestEvent } from './TestEvent.js';

const sink = process.env.RECORD_FILE ?? '/dev/null';
const delayMs = Number(process.env.HANDLER_DELAY_MS ?? '2');
const handler = handles(TestEvent)(async (message: object, context: HandlerContext) => {
  const event = message as TestEvent;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  appendFileSync(sink, `${event.key} ${event.seq} ${context.messageId}\n`);
});

class RecordingDaemon extends ConsumerDaemon {
  readonly name = 'kafka-crash-test';
  override readonly handlers = [handler];
  override readonly transports = [kafkaTransportFactory];
}

await new RecordingDaemon().main(process.argv);
