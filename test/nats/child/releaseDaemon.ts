// A daemon process on NATS for the release tests: appends "key seq attempt" to RECORD_FILE as each
// handler starts, then acts by the event's key:
//   once   — fails on its first run (the record file has no earlier line for it), then succeeds;
//   poison — always asks for redelivery in POISON_DELAY_SECONDS (Nack: a run, so an attempt);
//   hang   — on its first run waits until the shutdown aborts it (then throws), later runs succeed.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { ConsumerDaemon, handles, Nack, type HandlerContext } from '@switchyard/core';
import { natsTransportFactory } from '@switchyard/nats';
import { TestEvent } from '../../kafka/child/TestEvent.js';

const record = process.env.RECORD_FILE ?? '/dev/null';
const poisonDelaySeconds = Number(process.env.POISON_DELAY_SECONDS ?? '3');

const handler = handles(TestEvent)(async (message: object, context: HandlerContext) => {
  const event = message as TestEvent;
  const line = `${event.key} ${event.seq}`;
  const ranBefore =
    existsSync(record) &&
    readFileSync(record, 'utf8')
      .split('\n')
      .some((seen) => seen.startsWith(`${line} `));
  appendFileSync(record, `${line} ${context.attempt}\n`);
  if (event.key === 'once' && !ranBefore) throw new Error('first run fails');
  if (event.key === 'poison') throw new Nack(poisonDelaySeconds, 'poison');
  if (event.key === 'hang' && !ranBefore) {
    await once(context.signal, 'abort');
    throw new Error('aborted by the shutdown');
  }
});

class ReleaseDaemon extends ConsumerDaemon {
  readonly name = 'nats-release-test';
  override readonly handlers = [handler];
  override readonly transports = [natsTransportFactory];
}

await new ReleaseDaemon().main(process.argv);
