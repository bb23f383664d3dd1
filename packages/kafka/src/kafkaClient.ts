import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  Kafka,
  logLevel as KafkaLogLevel,
  type KafkaConfig as KafkaJsConfig,
  type SASLOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from './KafkaConfig.js';

/**
 * kafkajs logs this at every start of our producer: it is idempotent (no duplicates from its own
 * retries) yet its retries are bounded (the client's `retry`), so that a send during a broker
 * outage fails — and the message is retried with backoff, its readiness shown — instead of hanging
 * the handler (kafkajs's default for an idempotent producer is Number.MAX_SAFE_INTEGER retries). A
 * send that gave up and is retried may duplicate a record, which at-least-once allows. A deliberate
 * choice, so the warning says nothing a user can act on; this exact entry alone is dropped.
 */
const BOUNDED_IDEMPOTENT_RETRIES =
  'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** One kafkajs client for the daemon, from the `kafka` config section: brokers, TLS, SASL, logging. */
export function createKafkaClient(config: KafkaConfig, clientId: string, logger: Logger): Kafka {
  fixNegativeTimeout();
  const options: KafkaJsConfig = {
    clientId,
    brokers: config.brokers
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    ssl: sslOptions(config),
    sasl: saslOptions(config),
    // Broker outages are retried with backoff by kafkajs; beyond that the consumer restarts itself.
    retry: { initialRetryTime: 300, retries: 8 },
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      if (entry.namespace === 'Producer' && message === BOUNDED_IDEMPOTENT_RETRIES) return;
      const fields = { kafka: entry.namespace, ...extra };
      if (entry.level <= KafkaLogLevel.ERROR) logger.error(fields, String(message));
      else if (entry.level === KafkaLogLevel.WARN) logger.warn(fields, String(message));
      else logger.debug(fields, String(message));
    },
  };
  return new Kafka(options);
}

function sslOptions(config: KafkaConfig): KafkaJsConfig['ssl'] {
  if (!config.ssl) return undefined;
  if (config.sslCaFile === '' && config.sslRejectUnauthorized) return true;
  return {
    rejectUnauthorized: config.sslRejectUnauthorized,
    ...(config.sslCaFile === '' ? {} : { ca: [readFileSync(config.sslCaFile, 'utf8')] }),
  };
}

function saslOptions(config: KafkaConfig): SASLOptions | undefined {
  if (config.saslMechanism === '') return undefined;
  return { mechanism: config.saslMechanism, username: config.saslUsername, password: config.saslPassword };
}

let timeoutFixed = false;

/**
 * kafkajs 2.2.4 (its last release) arms `setTimeout(check, throttledUntil - Date.now())` after every
 * request even when nothing waits and nothing is throttled (`throttledUntil` is -1): Node 24 prints
 * a TimeoutNegativeWarning with a huge negative number on the first one, and clamps it to 1 ms, so
 * every idle connection also re-checks its empty queue every millisecond (tulios/kafkajs#1751,
 * #1704; fix proposed in #1768, unmerged). This is kafkajs's method with that fix: no timer when the
 * queue is empty and not throttled (a request queued later arms one itself). Patched once, on the
 * prototype, only if the method is the one this was written for.
 */
function fixNegativeTimeout(): void {
  if (timeoutFixed) return;
  timeoutFixed = true;
  interface Queue {
    throttledUntil: number;
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    pending: unknown[];
    checkPendingRequests(): void;
    scheduleCheckPendingRequests(): void;
  }
  let RequestQueue: { prototype: Queue } | undefined;
  try {
    RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as {
      prototype: Queue;
    };
  } catch {
    return; // another kafkajs layout: leave it as it is
  }
  const original: unknown = Object.getOwnPropertyDescriptor(
    RequestQueue.prototype,
    'scheduleCheckPendingRequests',
  )?.value;
  if (typeof original !== 'function' || !String(original).includes('this.throttledUntil - Date.now()'))
    return;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: Queue): void {
    if (this.throttleCheckTimeoutId) return;
    let scheduleAt = this.throttledUntil - Date.now();
    if (this.pending.length > 0)
      scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL_MS;
    else if (scheduleAt <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, scheduleAt);
  };
}

/** kafkajs's own interval for re-checking a queue held back by in-flight limits. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
