import { wait } from '@switchyard/core';
import type { Command } from 'commander';
import { CliError } from '../CliError.js';
import { untilInterrupted } from '../ops/interrupt.js';
import { openLag, type LagReport, type LagTarget } from '../ops/lagSource.js';
import { oneLineErrors, positiveNumber } from '../ops/options.js';
import { age, print, printJson, table } from '../ops/render.js';
import type { AddCommand } from './index.js';

interface LagFlags {
  queueUrl: string[];
  endpointUrl?: string;
  region?: string;
  kafkaBrokers?: string;
  group?: string;
  topic: string[];
  natsServers?: string;
  stream?: string;
  durable: string[];
  peek: boolean;
  force: boolean;
  watch: boolean;
  interval: number;
  json: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `switchyard lag`: how far behind a consumer group (per partition), a queue (its counts) or a durable consumer is. */
export const addLagCommand: AddCommand = (program: Command) => {
  oneLineErrors(program.command('lag'))
    .description(
      'lag per Kafka partition (committed, end, lag), per SQS queue (visible, in flight, delayed, oldest age) or per NATS durable consumer (pending, ack pending, redelivered)',
    )
    .option('--queue-url <url>', 'SQS: a queue (repeatable)', collect, [])
    .option('--endpoint-url <url>', 'SQS: another SQS-compatible server, e.g. ElasticMQ (default: AWS)')
    .option('--region <region>', 'SQS: AWS region (default: the SDK default)')
    .option('--kafka-brokers <list>', 'Kafka: host:port[,host:port…]')
    .option('--group <id>', "Kafka: the consumer group (the daemon's kafka.groupId)")
    .option(
      '--topic <topic>',
      'Kafka: only this topic (repeatable; default: every topic the group committed on)',
      collect,
      [],
    )
    .option('--nats-servers <list>', 'NATS: host:port[,host:port…]')
    .option('--stream <name>', 'NATS: the JetStream stream')
    .option(
      '--durable <name>',
      'NATS: only this durable consumer (repeatable; default: every durable of the stream)',
      collect,
      [],
    )
    .option(
      '--peek',
      "SQS: tell the oldest message's age by receiving a sample of up to 10 (raises their receive counts)",
      false,
    )
    .option('--force', 'SQS: --peek at a queue that has a redrive policy', false)
    .option('--watch', 'print again every --interval seconds until interrupted', false)
    .option('--interval <seconds>', 'with --watch: seconds between readings', positiveNumber, 5)
    .option('--json', 'print JSON (with --watch: one document per reading)', false)
    .action(async (flags: LagFlags) => {
      const target = targetOf(flags);
      const source = await openLag(target);
      if (target.kind === 'sqs' && !target.peek && !flags.json)
        process.stderr.write(
          "note: OLDEST AGE needs --peek: SQS tells a message's age only by receiving it (or through CloudWatch's ApproximateAgeOfOldestMessage)\n",
        );
      try {
        await untilInterrupted(async (signal) => {
          do {
            const report = await source.read();
            if (flags.json) printJson({ at: new Date().toISOString(), ...reportJson(report) });
            else
              print(
                `${flags.watch ? `${new Date().toISOString()}\n` : ''}${reportText(report)}${flags.watch ? '\n' : ''}`,
              );
            if (flags.watch) await wait(flags.interval * 1000, signal);
          } while (flags.watch && !signal.aborted);
        });
      } finally {
        await source.close();
      }
    });
};

function targetOf(flags: LagFlags): LagTarget {
  const sqs = flags.queueUrl.length > 0;
  const kafka = flags.kafkaBrokers !== undefined || flags.group !== undefined || flags.topic.length > 0;
  const nats = flags.natsServers !== undefined || flags.stream !== undefined || flags.durable.length > 0;
  if (nats && (sqs || kafka))
    throw new CliError(
      "lag: give one transport's flags: --queue-url (SQS), --kafka-brokers (Kafka) or --nats-servers (NATS)",
      2,
    );
  if (nats) {
    if (flags.peek)
      throw new CliError('lag: --peek is an SQS flag; JetStream counts pending messages itself', 2);
    if (flags.natsServers === undefined || flags.stream === undefined)
      throw new CliError('lag: NATS needs --nats-servers <list> and --stream <name>', 2);
    return { kind: 'nats', servers: flags.natsServers, stream: flags.stream, durables: flags.durable };
  }
  if (sqs && kafka)
    throw new CliError('lag: give --queue-url (SQS) or --kafka-brokers with --group (Kafka), not both', 2);
  if (sqs)
    return {
      kind: 'sqs',
      queueUrls: flags.queueUrl,
      endpoint: { endpointUrl: flags.endpointUrl, region: flags.region },
      peek: flags.peek,
      force: flags.force,
    };
  if (flags.peek) throw new CliError('lag: --peek is an SQS flag; Kafka offsets need no peek', 2);
  if (flags.kafkaBrokers === undefined && flags.group === undefined && flags.topic.length === 0)
    throw new CliError(
      'lag needs --queue-url <url> (SQS) or --kafka-brokers <list> --group <id> (Kafka); on NATS --nats-servers <list> --stream <name>',
      2,
    );
  if (flags.kafkaBrokers === undefined) throw new CliError('lag: Kafka needs --kafka-brokers <list>', 2);
  if (flags.group === undefined) throw new CliError('lag: Kafka needs --group <id>, the consumer group', 2);
  return { kind: 'kafka', brokers: flags.kafkaBrokers, group: flags.group, topics: flags.topic };
}

function reportJson(report: LagReport): Record<string, unknown> {
  if (report.kind === 'kafka')
    return {
      group: report.group,
      totalLag: report.partitions.reduce((sum, row) => sum + row.lag, 0),
      partitions: report.partitions,
    };
  if (report.kind === 'nats') return { stream: report.stream, consumers: report.consumers };
  return {
    queues: report.queues.map((queue) => ({
      ...queue,
      oldestAgeMs: undefined,
      oldestAgeSeconds: queue.oldestAgeMs === null ? null : Math.floor(queue.oldestAgeMs / 1000),
    })),
  };
}

function reportText(report: LagReport): string {
  if (report.kind === 'kafka') {
    const total = report.partitions.reduce((sum, row) => sum + row.lag, 0);
    return `${table(
      ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG'],
      report.partitions.map((row) => [
        row.topic,
        String(row.partition),
        row.committed === null ? '-' : String(row.committed),
        String(row.end),
        String(row.lag),
      ]),
    )}\ngroup ${report.group}: total lag ${total}`;
  }
  if (report.kind === 'nats')
    return table(
      ['STREAM', 'DURABLE', 'FILTER', 'PENDING', 'ACK PENDING', 'REDELIVERED'],
      report.consumers.map((row) => [
        row.stream,
        row.durable,
        row.filter.length === 0 ? '(all)' : row.filter.join(','),
        String(row.pending),
        String(row.ackPending),
        String(row.redelivered),
      ]),
    );
  return table(
    ['QUEUE', 'VISIBLE', 'IN FLIGHT', 'DELAYED', 'OLDEST AGE'],
    report.queues.map((queue) => [
      queue.queueUrl,
      String(queue.visible),
      String(queue.inFlight),
      String(queue.delayed),
      queue.oldestAgeMs === null ? '-' : age(queue.oldestAgeMs),
    ]),
  );
}
