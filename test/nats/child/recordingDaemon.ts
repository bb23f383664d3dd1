// A daemon process on NATS for the crash and start-up tests: handles TestEvent (slowly, by
// HANDLER_DELAY_MS) and appends "key seq messageId attempt" to RECORD_FILE as each handler finishes, so the
// parent can SIGKILL it mid-batch and count what ran. While the file FAIL_WHILE_EXISTS exists (a
// sink that is down) each handler fails instead, appending the same line with " failed".
import { appendFileSync, existsSync } from 'node:fs';
import { ConsumerDaemon, handles, type HandlerContext } from '@switchyard/core';
import { natsTransportFactory } from '@switchyard/nats';
import { TestEvent } from '../../kafka/child/TestEvent.js';

const sink = process.env.RECORD_FILE ?? '/dev/null';
const delayMs = Number(process.env.HANDLER_DELAY_MS ?? '2');
const failWhileExists = process.env.FAIL_WHILE_EXISTS;
const handler = handles(TestEvent)(async (message: object, context: HandlerContext) => {
  const event = message as TestEvent;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const line = `${event.key} ${event.seq} ${context.messageId} ${context.attempt}`;
  if (failWhileExists !== undefined && existsSync(failWhileExists)) {
    appendFileSync(sink, `${line} failed\n`);
    throw new Error('the sink is down');
  }
  appendFileSync(sink, `${line}\n`);
});

class RecordingDaemon extends ConsumerDaemon {
  readonly name = 'nats-crash-test';
  override readonly handlers = [handler];
  override readonly transports = [natsTransportFactory];
}

await new RecordingDaemon().main(process.argv);
