// The reference consumer in its own process, for the RSS and start-up scenarios (the bench strips
// the types and runs it with plain `node`). Env:
//   BENCH_TRANSPORT   kafka: a raw kafkajs `eachBatch` consumer that JSON.parses each value, waits
//                     the handler latency, and commits per batch (partitions consumed concurrently);
//                     sqs: bbc sqs-consumer with its defaults and batchSize 10
//   BENCH_HANDLER_MS  handler latency in ms (0: none)
//   KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_GROUP_ID, KAFKA_PARTITIONS, KAFKA_MAX_BYTES_PER_PARTITION (else
//   kafkajs's 1 MiB) / SQS_QUEUE_URL, SQS_ENDPOINT
// Prints `ready` on stdout once it polls: after kafkajs `run()` resolved (group joined, fetching) or
// after sqs-consumer's `start()` (its first receive is on its way).
const handlerMs = Number(process.env.BENCH_HANDLER_MS ?? '0');
const work = (body: string): Promise<void> | void => {
  JSON.parse(body);
  if (handlerMs > 0) return new Promise((resolve) => setTimeout(resolve, handlerMs));
};
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`reference child: ${name} is not set`);
  return value;
};

async function kafka(): Promise<() => Promise<void>> {
  const { Kafka, logLevel } = await import('kafkajs');
  const client = new Kafka({
    brokers: [env('KAFKA_BROKERS')],
    clientId: 'bench-raw',
    logLevel: logLevel.NOTHING,
  });
  const maxBytes = process.env.KAFKA_MAX_BYTES_PER_PARTITION;
  const consumer = client.consumer({
    groupId: env('KAFKA_GROUP_ID'),
    ...(maxBytes === undefined ? {} : { maxBytesPerPartition: Number(maxBytes) }),
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [env('KAFKA_TOPIC')], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: Number(process.env.KAFKA_PARTITIONS ?? '1'),
    // Only handled records are committed (by default a batch cut short by a stop counts as done).
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      for (const message of payload.batch.messages) {
        if (!payload.isRunning()) break;
        await work(String(message.value));
        payload.resolveOffset(message.offset);
      }
      await payload.commitOffsetsIfNecessary();
    },
  });
  return () => consumer.disconnect();
}

async function sqs(): Promise<() => Promise<void>> {
  const [{ SQSClient }, { Consumer }] = await Promise.all([
    import('@aws-sdk/client-sqs'),
    import('sqs-consumer'),
  ]);
  const consumer = Consumer.create({
    queueUrl: env('SQS_QUEUE_URL'),
    sqs: new SQSClient({ endpoint: env('SQS_ENDPOINT'), region: process.env.AWS_REGION ?? 'us-east-1' }),
    batchSize: 10,
    handleMessage: async (message) => {
      await work(message.Body ?? '{}');
      return message;
    },
  });
  consumer.start();
  return async () => consumer.stop({ abort: true });
}

const stop = await (process.env.BENCH_TRANSPORT === 'sqs' ? sqs() : kafka());
process.stdout.write('ready\n');
process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));
