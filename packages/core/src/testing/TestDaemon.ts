import { ContainerModule } from 'inversify';
import type { ConsumerDaemon, StartOptions } from '../daemon/ConsumerDaemon.js';
import { FINAL_OUTCOMES, type RecordedOutcome } from '../daemon/OutcomeCounter.js';
import type { RunningDaemon } from '../daemon/RunningDaemon.js';
import { TOKENS } from '../graph/tokens.js';
import { MemoryBroker } from '../memory/MemoryBroker.js';
import { MemoryProducer } from '../memory/MemoryProducer.js';
import { MemoryConfig } from '../memory/MemoryConfig.js';
import type { MemoryQueue } from '../memory/MemoryQueue.js';
import { DEAD_LETTER_ATTRIBUTES } from '../memory/MemoryTransport.js';
import type { SchemaClass } from '../messages/schema.js';
import type { Outcome } from '../outcomes/Outcome.js';
import type { ProduceOptions } from '../producer/Producer.js';
import { RecordingProducer } from './RecordingProducer.js';

export interface DeadLetter {
  readonly body: string | Uint8Array | null;
  readonly reason: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * A daemon running on its own in-memory bus, with helpers to publish, wait for outcomes and look
 * at what handlers published. Handlers' messages are recorded, not delivered back to the daemon.
 */
export class TestDaemon {
  readonly #outcomes = new Map<string, Outcome>();
  readonly #waiters = new Map<string, (outcome: Outcome) => void>();

  private constructor(
    readonly running: RunningDaemon,
    readonly queue: MemoryQueue,
    readonly recorder: RecordingProducer,
  ) {
    running.counter.onRecord((recorded) => this.#onOutcome(recorded));
  }

  /** Starts `daemon` in testing mode on a fresh in-memory bus; retries have no backoff unless `argv` says so. */
  static async start(daemon: ConsumerDaemon, options: StartOptions = {}): Promise<TestDaemon> {
    // Handlers' messages go to a side queue and are recorded, so they do not loop back to the daemon.
    const overrides = new ContainerModule(({ rebind }) => {
      rebind(TOKENS.TransportProducer).toDynamicValue(
        (context) => new RecordingProducer(new MemoryProducer(context.get(MemoryBroker), '__published__')),
      );
    });
    const running = await daemon.start({
      ...options,
      argv: [
        '--testing',
        ...[
          '--set',
          'daemon.logLevel=silent',
          '--set',
          'consumer.backoffBaseSeconds=0',
          '--set',
          'memory.waitMs=50',
        ],
        ...(options.argv ?? []),
      ],
      env: options.env ?? {},
      modules: [...(options.modules ?? []), overrides],
    });
    const { container } = running;
    const queue = container.get(MemoryBroker).queue(container.get(MemoryConfig).queue || running.name);
    return new TestDaemon(running, queue, container.get<RecordingProducer>(TOKENS.TransportProducer));
  }

  /** Publishes through the daemon's codec (validated) and resolves with the final outcome. */
  async publishAndWait(
    type: string | SchemaClass,
    content: object,
    options?: ProduceOptions,
  ): Promise<Outcome> {
    const message = await this.running.producer.encode(type, content, options);
    return this.sendRawAndWait(message.body, message.attributes, message.key);
  }

  /** Puts an arbitrary body (valid or not) on the daemon's queue and resolves with its final outcome. */
  sendRawAndWait(
    body: string | Uint8Array | null,
    attributes: Record<string, string> = {},
    key?: string,
  ): Promise<Outcome> {
    const id = this.queue.send(body, attributes, { key });
    const known = this.#outcomes.get(id);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => this.#waiters.set(id, resolve));
  }

  /** Messages the handlers published (only after their handler succeeded). */
  published(
    mediaType?: string,
  ): Array<{ mediaType: string; content: Record<string, unknown>; key?: string }> {
    return this.recorder.sent
      .filter((message) => mediaType === undefined || message.mediaType === mediaType)
      .map((message) => ({
        mediaType: message.mediaType,
        content: JSON.parse(Buffer.from(message.body).toString()) as Record<string, unknown>,
        key: message.key,
      }));
  }

  /** Messages on the daemon's dead-letter queue, with their reasons. */
  deadLetters(): DeadLetter[] {
    return this.running.container
      .get(MemoryBroker)
      .deadLetterQueue(this.queue.name)
      .peekAll()
      .map(({ body, attributes }) => ({
        body,
        attributes,
        reason: attributes[DEAD_LETTER_ATTRIBUTES.reason] ?? '',
      }));
  }

  stop(): Promise<void> {
    return this.running.stop();
  }

  #onOutcome({ messageId, outcome }: RecordedOutcome): void {
    if (!FINAL_OUTCOMES.has(outcome.kind)) return;
    this.#outcomes.set(messageId, outcome);
    this.#waiters.get(messageId)?.(outcome);
    this.#waiters.delete(messageId);
  }
}
