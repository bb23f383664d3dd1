/**
 * The JSON Schema of `config.yaml` (`switchyard process --print-config-schema`). Every object is
 * closed (`additionalProperties: false`) so a misspelt key stops the start instead of being
 * ignored; `default`s are filled in by the validator; `examples` feed the fixes in error messages.
 */

const str = (description: string, extra: object = {}): object => ({ type: 'string', description, ...extra });
const int = (description: string, minimum: number, defaultValue?: number): object => ({
  type: 'integer',
  minimum,
  description,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});
const list = (description: string, example: string): object => ({
  type: 'array',
  items: { type: 'string', minLength: 1 },
  minItems: 1,
  description,
  examples: [[example]],
});
const region = str('AWS region (any value for a local server)', { default: '', examples: ['eu-west-1'] });
const endpoint = str('endpoint URL of a local or compatible server; empty: AWS', {
  default: '',
  examples: ['http://localhost:9324'],
});

/** `kind` plus that kind's keys: one closed object per kind, chosen by `kind`. */
function kinds(
  described: string,
  variants: Record<string, { properties: object; required?: string[] }>,
): object {
  return {
    type: 'object',
    description: described,
    required: ['kind'],
    properties: {
      kind: { enum: Object.keys(variants), description: `one of ${Object.keys(variants).join(', ')}` },
    },
    allOf: Object.entries(variants).map(([kind, { properties, required = [] }]) => ({
      if: { properties: { kind: { const: kind } }, required: ['kind'] },
      then: {
        properties: { kind: { const: kind }, ...properties },
        required,
        additionalProperties: false,
      },
    })),
  };
}

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'switchyard process config.yaml',
  type: 'object',
  additionalProperties: false,
  required: ['source', 'sink'],
  properties: {
    name: str('the daemon name: logs, metrics, the environment prefix (NAME__SECTION__KEY)', {
      default: 'processor',
      pattern: '^[a-z][a-z0-9-]*$',
      examples: ['orders-enricher'],
    }),
    processor: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        handlerPath: str('folder of the handler module, relative to this file; default: this file’s folder', {
          examples: ['./examples/basic'],
        }),
        moduleName: str('the handler module: a .js, .mjs or .ts file name without extension', {
          default: 'handler',
          examples: ['handler'],
        }),
        workers: int('worker threads (or processes) running the handler', 1, 1),
        concurrency: int(
          'messages handed to one worker at once: an async handleEvent runs them together, a sync one in turn (0: 8, but 1 for a sync handleEvent with runtime processes)',
          0,
          0,
        ),
        runtime: {
          enum: ['threads', 'processes'],
          default: 'threads',
          description: 'threads (worker_threads) or processes (child processes)',
        },
        env: {
          type: 'array',
          default: [],
          description: 'environment variables for the workers',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'value'],
            properties: {
              name: str('variable name', { minLength: 1 }),
              value: { type: ['string', 'number', 'boolean'] },
            },
          },
          examples: [[{ name: 'MODEL', value: 'small' }]],
        },
        timeoutMs: int(
          'a message still running after this crashes its worker (stopped, replaced, retried)',
          1,
          30_000,
        ),
        maxWorkerCrashes: int('worker crashes on one message before it is dead-lettered', 1, 3),
        maxMemoryMb: int(
          'heap limit per worker in MB (0: Node’s default); above it the worker crashes',
          0,
          0,
        ),
        queueSize: int('messages held between source and workers (0: 2 × workers × concurrency)', 0, 0),
        mode: {
          enum: ['keyed', 'in-order', 'unordered'],
          default: 'keyed',
          description: 'order where the source has it: per key, per partition, or none',
        },
      },
    },
    source: kinds('where messages come from', {
      kafka: {
        properties: {
          brokers: list('Kafka brokers, host:port', 'localhost:9092'),
          topics: list('topics to consume', 'test'),
          consumerGroup: str('consumer group; default: <name>.processor', {
            examples: ['my-consumer-group'],
          }),
          offset: {
            enum: ['earliest', 'latest'],
            default: 'latest',
            description: 'where a new group starts',
          },
          deadLetterTopic: str('dead-letter topic; default: <topic>.dlt', { default: '' }),
        },
        required: ['brokers', 'topics'],
      },
      sqs: {
        properties: {
          queueUrl: str('queue to consume', {
            minLength: 1,
            examples: ['http://localhost:9324/000000000000/in'],
          }),
          endpoint,
          region,
          deadLetterQueueUrl: str('dead-letter queue; default: the queue’s redrive policy', { default: '' }),
        },
        required: ['queueUrl'],
      },
      nats: {
        properties: {
          servers: list('NATS servers, host:port', '127.0.0.1:4222'),
          stream: str('JetStream stream to consume', { minLength: 1, examples: ['EVENTS'] }),
          subject: str('filter subject (wildcards allowed); empty: the whole stream', { default: '' }),
          durable: str('durable pull consumer; default: the name', { default: '' }),
          createStream: {
            type: 'boolean',
            default: false,
            description: 'create the stream (on subject) and its dead-letter stream when missing',
          },
          createConsumer: {
            type: 'boolean',
            default: false,
            description: 'create the durable consumer when missing',
          },
        },
        required: ['servers', 'stream'],
      },
      http: {
        properties: {
          port: int('port to listen on', 0),
          host: str('address to listen on', { default: '0.0.0.0' }),
          path: str('path that accepts POST', { default: '/', pattern: '^/' }),
        },
        required: ['port'],
      },
      memory: {
        properties: { queue: str('queue on the embedded bus', { default: 'processor-in' }) },
      },
    }),
    sink: kinds('where the handler’s return values go', {
      kafka: {
        properties: {
          brokers: list('Kafka brokers, host:port', 'localhost:9092'),
          topic: str('topic to write', { minLength: 1, examples: ['test-out'] }),
          partitioner: {
            enum: ['hash', 'key', 'random'],
            default: 'hash',
            description:
              'hash / key: by the record key (murmur2, as Java clients); random: no key sent, spread',
          },
        },
        required: ['brokers', 'topic'],
      },
      sqs: {
        properties: {
          queueUrl: str('queue to send to', {
            minLength: 1,
            examples: ['http://localhost:9324/000000000000/out'],
          }),
          endpoint,
          region,
        },
        required: ['queueUrl'],
      },
      sns: {
        properties: {
          topicArn: str('topic to publish to', {
            minLength: 1,
            examples: ['arn:aws:sns:eu-west-1:000000000000:out'],
          }),
          endpoint,
          region,
        },
        required: ['topicArn'],
      },
      nats: {
        properties: {
          servers: list('NATS servers, host:port', '127.0.0.1:4222'),
          subject: str('subject to publish to (a stream must capture it)', {
            minLength: 1,
            examples: ['events.out'],
          }),
        },
        required: ['servers', 'subject'],
      },
      http: {
        properties: {
          url: str('URL each record is POSTed to', {
            minLength: 1,
            examples: ['http://localhost:8080/events'],
          }),
          headers: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
          timeoutMs: int('a POST still unanswered after this fails (and is retried)', 1, 10_000),
        },
        required: ['url'],
      },
      memory: {
        properties: { queue: str('queue on the embedded bus', { default: 'processor-out' }) },
      },
      none: { properties: {} },
    }),
    consumer: {
      type: 'object',
      default: {},
      description:
        'daemon consumer settings (maxAttempts, backoffBaseSeconds, concurrency, …), as for any daemon',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
} as const;
