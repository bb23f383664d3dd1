import type { Command } from 'commander';
import { CliError } from '../CliError.js';
import { whereOf, type ConnectionFlags, type Where } from './options.js';

/** The NATS connection flags of `dlq` and `tail`. */
export interface NatsFlags {
  natsServers?: string;
  stream?: string;
  subject?: string;
}

/** A JetStream stream (or the one capturing `subject`), optionally only `subject` of it. */
export interface NatsWhere {
  readonly kind: 'nats';
  readonly servers: string;
  readonly stream?: string;
  readonly subject?: string;
}

export type AnyWhere = Where | NatsWhere;

/** Adds `--nats-servers`, `--stream` and `--subject`. */
export function natsOptions(command: Command, what: string): Command {
  return command
    .option('--nats-servers <list>', 'NATS: host:port[,host:port…]')
    .option('--stream <name>', `NATS: the ${what} JetStream stream`)
    .option(
      '--subject <subject>',
      'NATS: only this subject of the stream (wildcards allowed); without --stream, the stream that captures it',
    );
}

/** SQS, Kafka or NATS, from the flags; none, or two transports' flags, is a usage error naming the flags. */
export function anyWhereOf(flags: ConnectionFlags & NatsFlags, command: string, what: string): AnyWhere {
  const nats = flags.natsServers !== undefined || flags.stream !== undefined || flags.subject !== undefined;
  const other = flags.queueUrl !== undefined || flags.kafkaBrokers !== undefined || flags.topic !== undefined;
  if (nats && other)
    throw new CliError(
      `${command}: give one transport's flags: --queue-url (SQS), --kafka-brokers with --topic (Kafka) or --nats-servers with --stream (NATS)`,
      2,
    );
  if (!nats && !other)
    throw new CliError(
      `${command} needs the ${what}: --queue-url <url> (SQS) or --kafka-brokers <list> --topic <topic> (Kafka); on NATS the stream: --nats-servers <list> --stream <name>`,
      2,
    );
  if (!nats) return whereOf(flags, command, what);
  if (flags.natsServers === undefined || (flags.stream === undefined && flags.subject === undefined))
    throw new CliError(
      `${command}: NATS needs --nats-servers <list> and --stream <name> (or --subject <subject>)`,
      2,
    );
  return {
    kind: 'nats',
    servers: flags.natsServers,
    ...(flags.stream === undefined ? {} : { stream: flags.stream }),
    ...(flags.subject === undefined ? {} : { subject: flags.subject }),
  };
}
