import type { Command } from 'commander';
import { CliError } from '../CliError.js';
import { untilInterrupted } from '../ops/interrupt.js';
import { matchesFilter } from '../ops/messageFilter.js';
import { anyWhereOf, natsOptions, type NatsFlags } from '../ops/natsWhere.js';
import {
  connectionOptions,
  oneLineErrors,
  regularExpression,
  wholeNumber,
  type ConnectionFlags,
} from '../ops/options.js';
import { messageBlock, messageJson, print, printJson } from '../ops/render.js';
import { tailMessages } from '../ops/tailSource.js';
import type { AddCommand } from './index.js';

interface TailFlags extends ConnectionFlags, NatsFlags {
  fromBeginning: boolean;
  fromOffset?: number;
  partition?: number;
  mediaType?: string;
  key?: string;
  grep?: RegExp;
  limit?: number;
  maxBody: number;
  visibilityTimeout: number;
  force: boolean;
  json: boolean;
}

/** `switchyard tail`: print a queue's or topic's messages as they arrive, without consuming them. */
export const addTailCommand: AddCommand = (program: Command) => {
  oneLineErrors(natsOptions(connectionOptions(program.command('tail'), 'tailed'), 'tailed'))
    .description(
      'print messages as they arrive (media type, id, key, attributes/headers, body) without consuming them',
    )
    .option(
      '--from-beginning',
      "Kafka: start at each partition's first record; NATS: at the stream's first message (default: only new ones)",
      false,
    )
    .option(
      '--from-offset <offset>',
      'Kafka: start at this offset (of --partition, else of every partition); NATS: at this stream sequence',
      wholeNumber(0),
    )
    .option('--partition <n>', 'Kafka: only this partition', wholeNumber(0))
    .option('--media-type <type>', 'only this media type (a pattern may end in *)')
    .option(
      '--key <key>',
      'only this key (Kafka: the record key; SQS: the FIFO message group; NATS: the x-message-key header)',
    )
    .option('--grep <regex>', 'only messages whose body matches this regular expression', regularExpression)
    .option('--limit <n>', 'stop after printing this many', wholeNumber(1))
    .option('--max-body <chars>', 'print at most this much of each body', wholeNumber(1), 4096)
    .option(
      '--visibility-timeout <seconds>',
      'SQS: hide each peeked message from the consumer this long (default 0: it can take it at once)',
      wholeNumber(0),
      0,
    )
    .option('--force', 'SQS: tail a queue that has a redrive policy (peeks raise receive counts)', false)
    .option('--json', 'print one JSON document per message', false)
    .action(async (flags: TailFlags) => {
      const where = anyWhereOf(flags, 'tail', 'queue or topic');
      if (flags.fromBeginning && flags.fromOffset !== undefined)
        throw new CliError('tail: give --from-beginning or --from-offset, not both', 2);
      if (
        where.kind === 'sqs' &&
        (flags.fromBeginning || flags.fromOffset !== undefined || flags.partition !== undefined)
      )
        throw new CliError(
          'tail: --from-beginning, --from-offset and --partition are Kafka flags; SQS has no offsets',
          2,
        );
      if (where.kind === 'nats' && flags.partition !== undefined)
        throw new CliError('tail: --partition is a Kafka flag; a JetStream stream has no partitions', 2);
      const shows = matchesFilter({ mediaType: flags.mediaType, key: flags.key, grep: flags.grep });
      let printed = 0;
      await untilInterrupted((signal) =>
        tailMessages(where, {
          from: flags.fromOffset ?? (flags.fromBeginning ? 'earliest' : 'latest'),
          ...(flags.partition === undefined ? {} : { partition: flags.partition }),
          force: flags.force,
          visibilitySeconds: flags.visibilityTimeout,
          signal,
          note: (text) => process.stderr.write(`note: ${text}\n`),
          onMessage: (message) => {
            if (!shows(message)) return;
            if (flags.json) printJson(messageJson(message));
            else print(`${printed === 0 ? '' : '\n'}${messageBlock(message, flags.maxBody)}`);
            printed += 1;
            return flags.limit === undefined || printed < flags.limit;
          },
        }),
      );
    });
};
