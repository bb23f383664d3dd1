import type { DeadLetter, DeadLetterGroup, ShownMessage } from './deadLetters.js';
import { reasonOf } from './deadLetters.js';
import { mediaTypeOf } from './mediaType.js';
import { bodyForTerminal, oneLine, printableBody } from './text.js';

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** One JSON document per line (what `--json` prints). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Rows under a header, each column as wide as its widest cell (cells are made one-line safe). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => oneLine(cell, 120)))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function isoTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A duration as `2h 3m`, `4m 10s` or `12s`. */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function groupTable(groups: readonly DeadLetterGroup[]): string {
  return table(
    ['COUNT', 'REASON', 'MEDIA TYPE', 'SOURCE', 'OLDEST', 'NEWEST'],
    groups.map((group) => [
      String(group.count),
      group.reason,
      group.mediaType ?? '(none)',
      group.source ?? '(unknown)',
      isoTime(group.oldest),
      isoTime(group.newest),
    ]),
  );
}

export function messageTable(records: readonly DeadLetter[]): string {
  return table(
    ['ID', 'DEAD-LETTERED', 'MEDIA TYPE', 'REASON'],
    records.map((record) => [
      record.id,
      isoTime(record.timestamp),
      mediaTypeOf(record.attributes, record.body) ?? '(none)',
      reasonOf(record),
    ]),
  );
}

/** A message as JSON: the body as text when it is UTF-8, else base64 (`bodyEncoding` says which). */
export function messageJson(message: ShownMessage): Record<string, unknown> {
  const body = printableBody(message.body);
  return {
    id: message.id,
    mediaType: mediaTypeOf(message.attributes, message.body) ?? null,
    key: message.key ?? null,
    timestamp: message.timestamp === undefined ? null : new Date(message.timestamp).toISOString(),
    location: message.location,
    attributes: message.attributes,
    body: body.encoding === 'none' ? null : body.text,
    bodyEncoding: body.encoding,
    bodyBytes: body.bytes,
  };
}

export function deadLetterJson(record: DeadLetter): Record<string, unknown> {
  return {
    ...messageJson(record),
    reason: reasonOf(record),
    source: record.source ?? record.movedBySqs ?? null,
    attempts: record.attempts ?? null,
    bounded: record.bounded ?? null,
  };
}

/** A message for a terminal: a heading line, its attributes, then its body (cut to `maxBody`). */
export function messageBlock(
  message: ShownMessage,
  maxBody: number,
  extra: ReadonlyArray<[string, string]> = [],
): string {
  const body = printableBody(message.body);
  const fields: Array<[string, string]> = [
    ['id', message.id],
    ['media type', mediaTypeOf(message.attributes, message.body) ?? '(none)'],
    ...(message.key === undefined ? [] : ([['key', message.key]] as Array<[string, string]>)),
    ['time', isoTime(message.timestamp)],
    ['location', message.location],
    ...extra,
  ];
  const width = Math.max(...fields.map(([name]) => name.length)) + 1;
  const lines = fields.map(([name, value]) => `${`${name}:`.padEnd(width)} ${oneLine(value, 4096)}`);
  const attributes = Object.entries(message.attributes);
  lines.push(attributes.length === 0 ? 'attributes: (none)' : 'attributes:');
  for (const [name, value] of attributes) lines.push(`  ${oneLine(name, 200)}: ${oneLine(value, 1024)}`);
  lines.push(`body (${body.bytes} bytes):`);
  lines.push(bodyForTerminal(body, maxBody));
  return lines.join('\n');
}

export function deadLetterBlock(record: DeadLetter, maxBody: number): string {
  const extra: Array<[string, string]> = [
    ['reason', reasonOf(record)],
    ['source', record.source ?? record.movedBySqs ?? '(unknown)'],
    ['attempts', record.attempts === undefined ? '-' : String(record.attempts)],
  ];
  if (record.bounded !== undefined) extra.push(['bounded', `${record.bounded} (cannot be replayed)`]);
  return messageBlock(record, maxBody, extra);
}
