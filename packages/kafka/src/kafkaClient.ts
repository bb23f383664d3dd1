import { readFileSync } from 'node:fs';
import {
  Kafka,
  logLevel as KafkaLogLevel,
  type KafkaConfig as KafkaJsConfig,
  type SASLOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from './KafkaConfig.js';

/** One kafkajs client for the daemon, from the `kafka` config section: brokers, TLS, SASL, logging. */
export function createKafkaClient(config: KafkaConfig, clientId: string, logger: Logger): Kafka {
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
