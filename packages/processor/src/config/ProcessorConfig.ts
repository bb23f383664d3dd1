/** The validated `config.yaml`, defaults filled in (see configSchema.ts for each key's meaning). */
export interface ProcessorConfig {
  readonly name: string;
  readonly processor: ProcessorSection;
  readonly source: SourceConfig;
  readonly sink: SinkConfig;
  /** Daemon `consumer` keys (maxAttempts, backoffBaseSeconds, …), validated by the daemon. */
  readonly consumer: Readonly<Record<string, string | number | boolean>>;
}

export type OrderMode = 'keyed' | 'in-order' | 'unordered';

export interface ProcessorSection {
  /** Absolute folder of the handler module. */
  readonly handlerPath: string;
  readonly moduleName: string;
  readonly workers: number;
  /** Messages one worker runs at once; 0 until the handler is loaded (auto), then settled. */
  readonly concurrency: number;
  readonly runtime: 'threads' | 'processes';
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly timeoutMs: number;
  readonly maxWorkerCrashes: number;
  readonly maxMemoryMb: number;
  /** 0 until the concurrency is settled (auto: 2 × workers × concurrency). */
  readonly queueSize: number;
  readonly mode: OrderMode;
}

export type SourceConfig =
  | {
      readonly kind: 'kafka';
      readonly brokers: readonly string[];
      readonly topics: readonly string[];
      readonly consumerGroup: string;
      readonly offset: 'earliest' | 'latest';
      readonly deadLetterTopic: string;
    }
  | {
      readonly kind: 'sqs';
      readonly queueUrl: string;
      readonly endpoint: string;
      readonly region: string;
      readonly deadLetterQueueUrl: string;
    }
  | {
      readonly kind: 'nats';
      readonly servers: readonly string[];
      readonly stream: string;
      readonly subject: string;
      readonly durable: string;
      readonly createStream: boolean;
      readonly createConsumer: boolean;
    }
  | { readonly kind: 'http'; readonly port: number; readonly host: string; readonly path: string }
  | { readonly kind: 'memory'; readonly queue: string };

export type SinkConfig =
  | {
      readonly kind: 'kafka';
      readonly brokers: readonly string[];
      readonly topic: string;
      readonly partitioner: 'hash' | 'key' | 'random';
    }
  | { readonly kind: 'sqs'; readonly queueUrl: string; readonly endpoint: string; readonly region: string }
  | { readonly kind: 'sns'; readonly topicArn: string; readonly endpoint: string; readonly region: string }
  | { readonly kind: 'nats'; readonly servers: readonly string[]; readonly subject: string }
  | {
      readonly kind: 'http';
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly timeoutMs: number;
    }
  | { readonly kind: 'memory'; readonly queue: string }
  | { readonly kind: 'none' };
