import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DaemonStatus, OutcomeCounter, Transport } from '@switchyard/core';

/**
 * The daemon's Prometheus metrics, in one registry of its own (not prom-client's global one, so
 * two daemons in a process or a test never share counters). Units: seconds, counts.
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  readonly messages = new Counter({
    name: 'switchyard_messages_total',
    help: 'Messages by final or retry outcome and media type ("unknown" for media types without a handler)',
    labelNames: ['outcome', 'media_type'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'switchyard_dead_letters_total',
    help: 'Messages dead-lettered, by media type',
    labelNames: ['media_type'] as const,
    registers: [this.registry],
  });
  readonly handlingSeconds = new Histogram({
    name: 'switchyard_handling_duration_seconds',
    help: 'Time from receipt to outcome (decode, validate, handler, deferred publishing), by media type and outcome',
    labelNames: ['media_type', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });
  readonly messageAgeSeconds = new Histogram({
    name: 'switchyard_message_age_seconds',
    help: 'Time from the broker accepting a message (SQS SentTimestamp, Kafka timestamp) to its receipt here',
    buckets: [0.01, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'switchyard_receive_batch_size',
    help: 'Messages per non-empty receive',
    buckets: [1, 2, 5, 10, 20, 50, 100, 500],
    registers: [this.registry],
  });

  // Label-bound children, cached: prom-client hashes the label object on every call otherwise,
  // which showed per message in the profile. Keys are bounded (media types with a handler × outcomes).
  readonly #children = new Map<string, { inc(): void } | { observe(value: number): void }>();

  /** `switchyard_handling_duration_seconds` for one media type and outcome. */
  observeHandling(mediaType: string, outcome: string, seconds: number): void {
    this.#child(`h\u0000${mediaType}\u0000${outcome}`, () =>
      this.handlingSeconds.labels({ media_type: mediaType, outcome }),
    ).observe(seconds);
  }

  #countOutcome(mediaType: string, outcome: string): void {
    this.#child(`m\u0000${mediaType}\u0000${outcome}`, () =>
      this.messages.labels({ outcome, media_type: mediaType }),
    ).inc();
    if (outcome === 'dead-lettered')
      this.#child(`d\u0000${mediaType}`, () => this.deadLetters.labels({ media_type: mediaType })).inc();
  }

  #child<T extends { inc(): void } | { observe(value: number): void }>(key: string, make: () => T): T {
    let child = this.#children.get(key) as T | undefined;
    if (child === undefined) {
      child = make();
      this.#children.set(key, child);
    }
    return child;
  }

  constructor(status: DaemonStatus, counter: OutcomeCounter, transport?: Transport) {
    new Gauge({
      name: 'switchyard_messages_in_flight',
      help: 'Messages received and not yet done (running or waiting behind their ordering key)',
      registers: [this.registry],
      collect() {
        this.set(status.inFlight);
      },
    });
    new Gauge({
      name: 'switchyard_ready',
      help: '1 while connected to the transport and not draining',
      registers: [this.registry],
      collect() {
        this.set(status.ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchyard_consecutive_poll_failures',
      help: 'Receive failures since the last successful receive',
      registers: [this.registry],
      collect() {
        this.set(status.consecutivePollFailures);
      },
    });
    if (transport?.lag !== undefined) {
      const lagOf = transport.lag.bind(transport);
      new Gauge({
        name: 'switchyard_consumer_lag_messages',
        help: 'Messages not yet consumed per partition (end offset at the last fetch minus the commit position)',
        labelNames: ['source', 'partition'] as const,
        registers: [this.registry],
        collect() {
          this.reset(); // partitions that were revoked must disappear
          for (const lag of lagOf())
            this.set({ source: lag.source, partition: String(lag.partition) }, lag.messages);
        },
      });
    }
    if (transport?.eventCounts !== undefined) {
      const countsOf = transport.eventCounts.bind(transport);
      new Counter({
        name: 'switchyard_transport_events_total',
        help: 'Transport events by name (Kafka: commit_metadata_overflows, a finished-offset map cut to fit the commit; finished_offsets_skipped, offsets a restart skipped as finished)',
        labelNames: ['event'] as const,
        registers: [this.registry],
        collect() {
          // The transport keeps the counts; a scrape reports them as they are.
          this.reset();
          for (const [event, count] of Object.entries(countsOf())) this.inc({ event }, count);
        },
      });
    }
    counter.onBatch((size) => this.batchSize.observe(size));
    // Counted as applied, not as the pipeline decided: a dead letter whose copy failed is retried.
    counter.onRecord(({ outcome, mediaType, handler }) => {
      // Only media types with a handler become label values: garbage input must not explode the
      // number of time series.
      this.#countOutcome(handler === undefined ? 'unknown' : (mediaType ?? 'unknown'), outcome.kind);
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
