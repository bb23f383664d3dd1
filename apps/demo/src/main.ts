import 'reflect-metadata';
import { Command } from 'commander';
import { InMemoryContactCache, RedisContactCache, type ContactCache } from './collaborators.js';
import { parsePlacements, type BusKind, type DemoBuses } from './busFlags.js';
import { DemoPipeline, STOP_NAMES, type StopSummary } from './pipeline.js';
import { push } from './pusher.js';
import { startStatusServer } from './statusServer.js';

/**
 * `npm start`: the metrobus demo on the embedded bus (or on Kafka with `--kafka-brokers`). pusher → busdriver → contactpoint (adds the
 * e-mail, drops unknown accounts) → whitelist (drops addresses not on the list) → logstop.
 * With `--count N` it pushes N records, waits until each journey is over, prints one summary line
 * per stop and exits 0.
 */
const options = new Command('demo')
  .option('--count <n>', 'push N records, print the per-stop summary, exit', (text) =>
    Number.parseInt(text, 10),
  )
  .option('--rate <n>', 'records per second without --count', (text) => Number.parseInt(text, 10), 20)
  .option('--debug', 'log every delivery', false)
  .option('--kafka-brokers <list>', 'run every stop on Kafka (a topic and a consumer group per stop)')
  .option('--sqs', 'run every stop on SQS (a queue per stop; credentials from the AWS default chain)', false)
  .option('--endpoint-url <url>', 'with --sqs: an SQS-compatible server such as ElasticMQ')
  .option(
    '--stop-bus <stop=bus>',
    'run one stop on another bus (memory, kafka, sqs) than the rest; repeatable: one pipeline, mixed buses',
    (entry: string, all: string[]) => [...all, entry],
    [] as string[],
  )
  .option('--redis-url <url>', 'look contacts up in Redis (seeded with the demo data) instead of a map')
  .option('--redis-prefix <prefix>', 'key prefix of the contact entries in Redis', 'switchyard-demo:contact:')
  .option('--no-seed-cache', 'use the contacts already in Redis instead of loading the demo data')
  .option('--status-port <port>', 'serve a live status page of per-stop counts on 127.0.0.1', (text) =>
    Number.parseInt(text, 10),
  )
  .parse()
  .opts<{
    count?: number;
    rate: number;
    debug: boolean;
    kafkaBrokers?: string;
    sqs: boolean;
    endpointUrl?: string;
    stopBus: string[];
    redisUrl?: string;
    redisPrefix: string;
    seedCache: boolean;
    statusPort?: number;
  }>();

const level = options.debug ? 'debug' : 'warn';
const buses = usageChecked(() => busesOf(options));
const pipeline = await startChecked(async () =>
  DemoPipeline.start(
    ['--set', `daemon.logLevel=${level}`, '--set', 'memory.waitMs=50'],
    buses,
    await contactCacheFor(options),
  ),
);
const stopPushing = new AbortController();
let pushed = 0;
const pushing = push(
  pipeline.source.producer,
  options.count,
  options.rate,
  stopPushing.signal,
  (count) => (pushed = count),
).then((count) => (pushed = count));

const statusPage =
  options.statusPort === undefined
    ? undefined
    : await startStatusServer(options.statusPort, () => ({
        pushed,
        finished: pipeline.finished(),
        stops: pipeline.summaries(),
      }));
if (statusPage !== undefined) process.stdout.write(`status page: ${statusPage.url}\n`);

const line = (summary: StopSummary): string =>
  `${summary.stop}: received=${summary.received} forwarded=${summary.forwarded} dropped=${summary.dropped} delivered=${summary.ended} failed=${summary.failed}`;
const progress = setInterval(
  () => process.stdout.write(`progress: ${pipeline.summaries().map(line).join(' | ')}\n`),
  1000,
);

const done = new Promise<void>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  if (options.count !== undefined) {
    const target = options.count;
    const check = setInterval(() => {
      if (pipeline.finished() >= target) {
        clearInterval(check);
        resolve();
      }
    }, 20);
  }
});
await done;
stopPushing.abort();
await pushing;
clearInterval(progress);
await pipeline.stop();
if (statusPage !== undefined) {
  // Leave the page up a moment so it shows the final numbers, then close it.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await statusPage.close();
}

const summaries = pipeline.summaries();
for (const summary of summaries) process.stdout.write(`${line(summary)}\n`);
const at = (stop: string): StopSummary => summaries.find((summary) => summary.stop === stop)!;
process.stdout.write(
  `demo summary: pushed=${pushed} dropped@contactpoint=${at('contactpoint').dropped} dropped@whitelist=${at('whitelist').dropped} logged=${at('logstop').ended}\n`,
);

async function contactCacheFor(settings: {
  redisUrl?: string;
  redisPrefix: string;
  seedCache: boolean;
}): Promise<ContactCache> {
  if (settings.redisUrl === undefined) return new InMemoryContactCache();
  const cache = new RedisContactCache(settings.redisUrl, settings.redisPrefix);
  await cache.connect();
  if (settings.seedCache) await cache.seed();
  return cache;
}

function busesOf(settings: {
  kafkaBrokers?: string;
  sqs: boolean;
  endpointUrl?: string;
  stopBus: string[];
}): DemoBuses {
  const fallback: BusKind = settings.kafkaBrokers !== undefined ? 'kafka' : settings.sqs ? 'sqs' : 'memory';
  const buses = {
    default: fallback,
    placed: parsePlacements(settings.stopBus, STOP_NAMES),
    kafkaBrokers: settings.kafkaBrokers,
    sqsEndpointUrl: settings.endpointUrl,
  };
  if (buses.kafkaBrokers === undefined && [...buses.placed.values()].includes('kafka'))
    throw new Error('--stop-bus …=kafka needs --kafka-brokers');
  return buses;
}

/** A start-up error (bad config, no server) is one line on stderr and exit code 1, like the daemons' own. */
async function startChecked<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    process.stderr.write(`demo: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

/** A usage error is one line on stderr and exit code 2, like the daemons' own. */
function usageChecked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
