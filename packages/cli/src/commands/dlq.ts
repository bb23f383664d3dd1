import type { Command } from 'commander';
import { CliError } from '../CliError.js';
import { groupDeadLetters, selects } from '../ops/deadLetters.js';
import { openDeadLetters, type DeadLetterStore, type ReplayEvent } from '../ops/deadLetterStore.js';
import { untilInterrupted } from '../ops/interrupt.js';
import { anyWhereOf, natsOptions, type NatsFlags } from '../ops/natsWhere.js';
import {
  connectionOptions,
  oneLineErrors,
  positiveNumber,
  wholeNumber,
  type ConnectionFlags,
} from '../ops/options.js';
import { pacer } from '../ops/pacer.js';
import {
  deadLetterBlock,
  deadLetterJson,
  groupTable,
  messageTable,
  print,
  printJson,
} from '../ops/render.js';
import { defaultActor, replayStamp } from '../ops/replayStamp.js';
import { oneLine } from '../ops/text.js';
import type { AddCommand } from './index.js';

interface StoreFlags extends ConnectionFlags, NatsFlags {
  group?: string;
  visibilityTimeout: number;
  force: boolean;
  json: boolean;
}

interface ListFlags extends StoreFlags {
  limit: number;
  messages: boolean;
}

interface ShowFlags extends StoreFlags {
  maxBody: number;
}

interface ReplayFlags extends StoreFlags {
  to?: string;
  reason?: string;
  mediaType?: string;
  rate?: number;
  limit?: number;
  dryRun: boolean;
  actor: string;
}

/** The options every `dlq` subcommand takes. */
function storeCommand(parent: Command, name: string, description: string, holdDefault: number): Command {
  const command = parent.command(name).description(description);
  return oneLineErrors(natsOptions(connectionOptions(command, 'dead-letter'), 'dead-letter'))
    .option(
      '--group <id>',
      'Kafka: the replay group, whose commits record what was replayed',
      'switchyard.dlq-replay',
    )
    .option(
      '--visibility-timeout <seconds>',
      'SQS: how long the messages read stay hidden from other readers while the command holds them',
      wholeNumber(1),
      holdDefault,
    )
    .option('--force', 'SQS: read a queue that has a redrive policy (its receive counts rise)', false)
    .option('--json', 'print JSON', false);
}

async function withStore<T>(
  flags: StoreFlags,
  command: string,
  work: (store: DeadLetterStore, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const where = anyWhereOf(flags, command, 'dead-letter queue or topic');
  return untilInterrupted(async (signal) => {
    const store = await openDeadLetters(where, {
      holdSeconds: flags.visibilityTimeout,
      force: flags.force,
      group: flags.group,
    });
    try {
      if (store.readNote !== undefined && !flags.json) process.stderr.write(`note: ${store.readNote}\n`);
      return await work(store, signal);
    } finally {
      await store.close();
    }
  });
}

/** `switchyard dlq list|show|replay`: browse a dead-letter queue or topic and put messages back. */
export const addDlqCommand: AddCommand = (program: Command) => {
  const dlq = oneLineErrors(program.command('dlq')).description(
    'dead letters: list them by reason, show one, replay them to where they came from',
  );

  storeCommand(
    dlq,
    'list',
    'dead letters grouped by reason, media type and source, with counts and oldest/newest',
    30,
  )
    .option('--limit <n>', 'read at most this many dead letters', wholeNumber(1), 10_000)
    .option('--messages', 'also list each dead letter (id, time, media type, reason)', false)
    .action(async (flags: ListFlags) =>
      withStore(flags, 'dlq list', async (store, signal) => {
        const listing = await store.list(flags.limit, signal);
        const groups = groupDeadLetters(listing.records);
        if (flags.json) {
          printJson({
            deadLetters: store.name,
            count: listing.records.length,
            truncated: listing.truncated,
            ...(listing.replayed === undefined ? {} : { replayed: listing.replayed }),
            groups: groups.map((group) => ({
              ...group,
              oldest: group.oldest === null ? null : new Date(group.oldest).toISOString(),
              newest: group.newest === null ? null : new Date(group.newest).toISOString(),
            })),
            ...(flags.messages ? { messages: listing.records.map(deadLetterJson) } : {}),
          });
          return;
        }
        const replayed =
          listing.replayed === undefined ? '' : ` (${listing.replayed} replayed earlier, not listed)`;
        const more = listing.truncated ? ` — stopped at --limit ${flags.limit}; there are more` : '';
        print(`${listing.records.length} dead letters on ${store.name}${replayed}${more}`);
        if (groups.length > 0) print(groupTable(groups));
        if (flags.messages && listing.records.length > 0) print(`\n${messageTable(listing.records)}`);
      }),
    );

  storeCommand(dlq, 'show', 'one dead letter: why, from where, its attributes or headers and its body', 30)
    .argument(
      '<id>',
      'SQS: the MessageId on the dead-letter queue; Kafka: partition/offset (or topic/partition/offset); NATS: the sequence (or stream/sequence)',
    )
    .option('--max-body <chars>', 'print at most this much of the body', wholeNumber(1), 65_536)
    .action(async (id: string, flags: ShowFlags) =>
      withStore(flags, 'dlq show', async (store, signal) => {
        const record = await store.show(id, signal);
        if (record === undefined)
          throw new CliError(
            `no dead letter ${oneLine(id, 200)} on ${store.name} (dlq list --messages lists the ids)`,
          );
        if (flags.json) printJson(deadLetterJson(record));
        else print(deadLetterBlock(record, flags.maxBody));
      }),
    );

  storeCommand(
    dlq,
    'replay',
    'send dead letters back to their source (x-original-source) or --to; each is removed only once the send is confirmed',
    60,
  )
    .option('--to <queue-url|topic|subject>', 'send every one here instead of to its x-original-source')
    .option('--reason <text>', 'only dead letters whose reason contains this text (case-insensitive)')
    .option('--media-type <type>', 'only this media type (a pattern may end in *)')
    .option('--rate <per-second>', 'send at most this many per second', positiveNumber)
    .option('--limit <n>', 'replay at most this many', wholeNumber(1))
    .option('--dry-run', 'say what would be replayed; send and remove nothing', false)
    .option('--actor <name>', 'who replays, recorded in x-replayed-by', defaultActor())
    .action(async (flags: ReplayFlags) => {
      const where = anyWhereOf(flags, 'dlq replay', 'dead-letter queue or topic');
      const dlqName =
        where.kind === 'sqs'
          ? where.queueUrl
          : where.kind === 'kafka'
            ? where.topic
            : (where.stream ?? where.subject!);
      // NATS: a --to the dead-letter stream captures is refused once the stream's subjects are known.
      if (flags.to === dlqName)
        throw new CliError(`dlq replay: --to is the dead-letter queue or topic itself`, 2);
      await withStore(flags, 'dlq replay', async (store, signal) => {
        const events: Array<Record<string, unknown>> = [];
        const onEvent = (event: ReplayEvent): void => {
          if (flags.json) events.push(eventJson(event));
          else if (event.kind !== 'skipped' || event.why !== 'filtered') print(eventLine(event));
        };
        const outcome = await store.replay({
          select: selects({ reason: flags.reason, mediaType: flags.mediaType }),
          to: flags.to,
          limit: flags.limit ?? Number.MAX_SAFE_INTEGER,
          rate: flags.rate,
          pace: pacer(flags.rate, signal),
          dryRun: flags.dryRun,
          stamp: replayStamp(flags.actor, dlqName),
          signal,
          onEvent,
        });
        const interrupted = signal.aborted;
        if (outcome.hidden !== undefined && !flags.dryRun)
          process.stderr.write(
            `note: about ${outcome.hidden} message(s) on the dead-letter queue were hidden (held by another reader, or by a replay that was killed) and not replayed; they come back when their visibility timeout runs out: run dlq replay again then\n`,
          );
        if (flags.json)
          printJson({
            deadLetters: store.name,
            dryRun: flags.dryRun,
            interrupted,
            ...outcome,
            messages: events,
          });
        else print(summaryLine(outcome, flags.dryRun, interrupted));
        if (interrupted)
          throw new CliError(
            'dlq replay: interrupted; what was sent and confirmed is removed, the rest is still there',
          );
        if (outcome.notRemoved > 0)
          throw new CliError(
            `dlq replay: ${outcome.notRemoved} replayed message(s) could not be removed from the dead-letter queue; the next replay sends them again`,
          );
      });
    });
};

function eventLine(event: ReplayEvent): string {
  const id = oneLine(event.record.id, 200);
  switch (event.kind) {
    case 'replayed':
      return `replayed      ${id} -> ${oneLine(event.target, 300)}`;
    case 'would replay':
      return `would replay  ${id} -> ${oneLine(event.target, 300)}`;
    case 'not removed':
      return `not removed   ${id} (replayed to ${oneLine(event.target, 300)}; delete failed: ${oneLine(event.why, 300)})`;
    case 'skipped':
      return `skipped       ${id}: ${skipWhy(event.why)}`;
  }
}

function skipWhy(why: string): string {
  switch (why) {
    case 'bounded':
      return 'a bounded record (its body was cut to fit); recover the original from its sender (x-original-sha256)';
    case 'no source':
      return 'no x-original-source; pass --to';
    case 'newer than the replay':
      return 'dead-lettered after this replay started; left for the next one';
    case 'commit metadata full':
      return "the replay group's commit metadata cannot record more gaps; replay the records before it first";
    default:
      return why;
  }
}

function eventJson(event: ReplayEvent): Record<string, unknown> {
  return {
    kind: event.kind,
    id: event.record.id,
    ...('target' in event ? { target: event.target } : {}),
    ...('why' in event ? { why: event.why } : {}),
  };
}

function summaryLine(
  outcome: { replayed: number; skipped: Readonly<Record<string, number>> },
  dryRun: boolean,
  interrupted: boolean,
): string {
  const skipped = Object.entries(outcome.skipped)
    .map(([why, count]) => `${count} ${why}`)
    .join(', ');
  const verb = dryRun ? 'would replay' : 'replayed';
  return `${verb} ${outcome.replayed}${skipped === '' ? '' : `; skipped ${skipped}`}${interrupted ? ' (interrupted)' : ''}`;
}
