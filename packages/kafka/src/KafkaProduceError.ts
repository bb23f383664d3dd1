/** A produce the brokers did not confirm; `retriable` says whether sending again may succeed. */
export class KafkaProduceError extends Error {
  override readonly name = 'KafkaProduceError';

  constructor(
    readonly topic: string,
    readonly retriable: boolean,
    cause: unknown,
  ) {
    super(
      `could not produce to Kafka topic "${topic}": ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}
