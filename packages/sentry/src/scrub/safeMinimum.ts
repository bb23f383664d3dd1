import type { ErrorEvent } from '@sentry/node';
import { redactSecrets } from './secretValues.js';

/** What a reduced event says instead of its message. */
export const REDUCED_MESSAGE =
  'switchyard: this event could not be scrubbed, so only a safe minimum was sent';

/** Tags switchyard sets itself: their values are identifiers, worth keeping in a reduced event. */
const SAFE_TAGS = [
  'media_type',
  'message_id',
  'handler',
  'transport',
  'source',
  'queue',
  'topic',
  'outcome',
  'attempt',
  'daemon',
];

/**
 * The fallback when scrubbing fails: enough to know that something failed, where, and for which
 * message — ids, level, environment, our own tags and the exception types — and nothing that could
 * carry data. Each field is read on its own, so one unreadable field loses only itself.
 */
export function safeMinimum(event: unknown): ErrorEvent {
  const minimum: ErrorEvent = { type: undefined, level: 'error', message: REDUCED_MESSAGE };
  const source = event as Record<string, unknown>;
  copy(() => {
    const id = source.event_id;
    if (typeof id === 'string' && /^[0-9a-f]{32}$/.test(id)) minimum.event_id = id;
  });
  copy(() => {
    const timestamp = source.timestamp;
    if (typeof timestamp === 'number' && Number.isFinite(timestamp)) minimum.timestamp = timestamp;
  });
  copy(() => (minimum.platform = shortText(source.platform)));
  copy(() => (minimum.environment = shortText(source.environment)));
  copy(() => (minimum.release = shortText(source.release)));
  copy(() => (minimum.tags = safeTags(source.tags)));
  copy(() => {
    const types = exceptionTypes(source.exception);
    if (types.length > 0) minimum.exception = { values: types.map((type) => ({ type })) };
  });
  return minimum;
}

/** Runs one copy step; a step that throws leaves its field out. */
function copy(step: () => unknown): void {
  try {
    step();
  } catch {
    // This field is lost; the rest of the minimum still goes.
  }
}

function shortText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 200 ? redactSecrets(value) : undefined;
}

function safeTags(tags: unknown): Record<string, string> {
  const safe: Record<string, string> = {};
  if (typeof tags !== 'object' || tags === null) return safe;
  for (const name of SAFE_TAGS) {
    copy(() => {
      const value: unknown = (tags as Record<string, unknown>)[name];
      const text = typeof value === 'number' ? String(value) : shortText(value);
      if (text !== undefined) safe[name] = text;
    });
  }
  return safe;
}

/** Class names only (`TypeError`, `PaymentDeclined`): a message may quote data, a name does not. */
function exceptionTypes(exception: unknown): string[] {
  if (typeof exception !== 'object' || exception === null) return [];
  const values: unknown = (exception as { values?: unknown }).values;
  if (!Array.isArray(values)) return [];
  const types: string[] = [];
  for (const each of values.slice(0, 10)) {
    copy(() => {
      const type: unknown = (each as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && /^[\w$.]{1,100}$/.test(type)) types.push(type);
    });
  }
  return types;
}
