import { InvalidArgumentError, type Command } from 'commander';
import { CliError } from '../CliError.js';

/** The connection flags the operator commands share. */
export interface ConnectionFlags {
  queueUrl?: string;
  endpointUrl?: string;
  region?: string;
  kafkaBrokers?: string;
  topic?: string;
}

export type Where =
  | {
      readonly kind: 'sqs';
      readonly queueUrl: string;
      readonly endpoint: { endpointUrl?: string; region?: string };
    }
  | { readonly kind: 'kafka'; readonly brokers: string; readonly topic: string };

/** Adds `--queue-url`, `--endpoint-url`, `--region`, `--kafka-brokers` and `--topic`. */
export function connectionOptions(command: Command, what: string): Command {
  return command
    .option('--queue-url <url>', `SQS: the ${what} queue's URL`)
    .option('--endpoint-url <url>', 'SQS: another SQS-compatible server, e.g. ElasticMQ (default: AWS)')
    .option('--region <region>', 'SQS: AWS region (default: the SDK default)')
    .option('--kafka-brokers <list>', 'Kafka: host:port[,host:port…]')
    .option('--topic <topic>', `Kafka: the ${what} topic`);
}

/** SQS or Kafka, from the flags; neither or both is a usage error naming the flags. */
export function whereOf(flags: ConnectionFlags, command: string, what: string): Where {
  const sqs = flags.queueUrl !== undefined;
  const kafka = flags.kafkaBrokers !== undefined || flags.topic !== undefined;
  if (sqs && kafka)
    throw new CliError(
      `${command}: give --queue-url (SQS) or --kafka-brokers with --topic (Kafka), not both`,
      2,
    );
  if (sqs)
    return {
      kind: 'sqs',
      queueUrl: flags.queueUrl!,
      endpoint: { endpointUrl: flags.endpointUrl, region: flags.region },
    };
  if (flags.kafkaBrokers !== undefined && flags.topic !== undefined)
    return { kind: 'kafka', brokers: flags.kafkaBrokers, topic: flags.topic };
  if (kafka) throw new CliError(`${command}: Kafka needs both --kafka-brokers <list> and --topic <topic>`, 2);
  throw new CliError(
    `${command} needs the ${what}: --queue-url <url> (SQS) or --kafka-brokers <list> --topic <topic> (Kafka)`,
    2,
  );
}

/** A commander parser for a whole number ≥ `min`. */
export function wholeNumber(min = 1): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < min)
      throw new InvalidArgumentError(`expected a whole number of at least ${min}, got "${value}"`);
    return number;
  };
}

/** A commander parser for a number above 0. */
export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError(`expected a number above 0, got "${value}"`);
  return number;
}

/** A commander parser for a JavaScript regular expression. */
export function regularExpression(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
}

/** Commander's own usage errors on these commands in one line, not followed by the whole help. */
export function oneLineErrors(command: Command): Command {
  return command.showHelpAfterError(false);
}
