// A daemon process for the restart tests: handles TestEvent as the environment says and appends
// "seq attempt topic/partition/offset" to RECORD_FILE when a run starts ("start …"), ends ("done …")
// or throws ("fail …"), so the parent can SIGKILL it at a chosen moment and count what ran again.
//   BLOCK_SEQS=0,1   these never finish (the handler waits until the process dies)
//   FAIL_SEQS=3      these always throw
//   NACK_FIRST_SEQS=2  these ask for a redelivery in 10 minutes on their first attempt (they then
//                      wait in retry backoff), and succeed on any later one
import { appendFileSync } from 'node:fs';
import { ConsumerDaemon, handles, Nack, type HandlerContext } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { TestEvent } from './TestEvent.js';

const sink = process.env.RECORD_FILE ?? '/dev/null';
const seqs = (name: string): Set<number> =>
  new Set((process.env[name] ?? '').split(',').filter(Boolean).map(Number));
const blocked = seqs('BLOCK_SEQS');
const failing = seqs('FAIL_SEQS');
const nackFirst = seqs('NACK_FIRST_SEQS');
const record = (what: string, event: TestEvent, context: HandlerContext): void =>
  appendFileSync(sink, `${what} ${event.seq} ${context.attempt} ${context.messageId}\n`);

const handler = handles(TestEvent)(async (message: object, context: HandlerContext) => {
  const event = message as TestEvent;
  record('start', event, context);
  if (blocked.has(event.seq)) await new Promise(() => undefined);
  if (failing.has(event.seq)) {
    record('fail', event, context);
    throw new Error(`poison: seq ${event.seq} always fails`);
  }
  if (nackFirst.has(event.seq) && context.attempt === 1) {
    record('fail', event, context);
    throw new Nack(600, 'wait in retry backoff');
  }
  record('done', event, context);
});

class ScriptedDaemon extends ConsumerDaemon {
  readonly name = 'kafka-scripted-test';
  override readonly handlers = [handler];
  override readonly transports = [kafkaTransportFactory];
}

await new ScriptedDaemon().main(process.argv);
