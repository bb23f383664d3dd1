// A switchyard daemon in its own process, for the RSS and start-up scenarios. The bench strips the
// types (no decorator syntax here, so nothing else needs compiling) and runs it with plain `node`
// against the BUILT packages (`npm run build`), as a production daemon runs. Real flags; env:
//   BENCH_TRANSPORT      kafka | sqs (which transport package to load, as a daemon on one would)
//   BENCH_HANDLER_MS     handler latency in ms (0: no-op)
// Prints `ready` on stdout once it is consuming: `onReady` runs right after the runner's first receive.
import 'reflect-metadata';
import { ConsumerDaemon, handles, schema, type TransportFactory } from '@switchyard/core';
import { IsInt, IsString, Min } from 'class-validator';

/** The media type and fields of the test suites' TestEvent (test/kafka/child/TestEvent.ts). */
class BenchEvent {
  key!: string;
  seq!: number;
}
IsString()(BenchEvent.prototype, 'key');
IsInt()(BenchEvent.prototype, 'seq');
Min(0)(BenchEvent.prototype, 'seq');
schema('application/vnd.switchyard.test-event')(BenchEvent);

const handlerMs = Number(process.env.BENCH_HANDLER_MS ?? '0');
const handler = handles(BenchEvent)(async () => {
  if (handlerMs > 0) await new Promise((resolve) => setTimeout(resolve, handlerMs));
});

const transport: TransportFactory =
  process.env.BENCH_TRANSPORT === 'sqs'
    ? (await import('@switchyard/sqs')).sqsTransportFactory
    : (await import('@switchyard/kafka')).kafkaTransportFactory;

class BenchDaemon extends ConsumerDaemon {
  readonly name = 'bench-child';
  override readonly handlers = [handler];
  override readonly transports = [transport];

  protected override onReady(): void {
    process.stdout.write('ready\n');
  }
}

await new BenchDaemon().main(process.argv);
