import type { Event } from '@sentry/node';
import { redactSecrets } from './secretValues.js';
import { scrubTree } from './scrubTree.js';

/**
 * SDK bookkeeping kept as it is: ids, timestamps, levels, SDK versions. None carries message data,
 * and the envelope breaks if an id or a timestamp is rewritten. `sdkProcessingMetadata` is never
 * serialised into the event (the SDK reads it to build the envelope's trace header).
 */
const BOOKKEEPING = new Set([
  'event_id',
  'timestamp',
  'start_timestamp',
  'level',
  'platform',
  'type',
  'sdk',
  'debug_meta',
  'measurements',
  'transaction_info',
  'sdkProcessingMetadata',
]);

/** Where a stack frame is: code, not data. Everything else in a frame is scrubbed. */
const FRAME_LOCATION = new Set([
  'filename',
  'abs_path',
  'module',
  'function',
  'lineno',
  'colno',
  'in_app',
  'platform',
  'instruction_addr',
  'addr_mode',
]);

/**
 * A scrubbed copy of `event`: every part is walked. Frame variables and request bodies strictly
 * (nothing but identifiers survives); everything else by sensitive keys and secret-looking values.
 * May throw only on an event it cannot even enumerate; `strictBeforeSend` catches that.
 */
export function scrubEvent<T extends Event>(event: T): T {
  const scrubbed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    scrubbed[key] = BOOKKEEPING.has(key) ? value : scrubPart(key, value);
  }
  return scrubbed as T;
}

function scrubPart(key: string, value: unknown): unknown {
  switch (key) {
    case 'exception':
    case 'threads':
      return mapObject(value, (name, part) =>
        name === 'values' && Array.isArray(part)
          ? part.map(scrubException)
          : scrubTree(part, 'patterns', name),
      );
    case 'breadcrumbs':
      return Array.isArray(value) ? value.map(scrubBreadcrumb) : scrubTree(value, 'patterns', key);
    case 'request':
      return mapObject(value, (name, part) =>
        name === 'method'
          ? part
          : scrubTree(part, name === 'data' || name === 'cookies' ? 'strict' : 'patterns', name),
      );
    default:
      return scrubTree(value, 'patterns', key);
  }
}

function scrubException(exception: unknown): unknown {
  return mapObject(exception, (name, part) =>
    name === 'stacktrace' ? scrubStacktrace(part) : scrubTree(part, 'patterns', name),
  );
}

function scrubStacktrace(stacktrace: unknown): unknown {
  return mapObject(stacktrace, (name, part) =>
    name === 'frames' && Array.isArray(part) ? part.map(scrubFrame) : scrubTree(part, 'patterns', name),
  );
}

function scrubFrame(frame: unknown): unknown {
  return mapObject(frame, (name, part) => {
    if (FRAME_LOCATION.has(name) && (typeof part !== 'string' || part === redactSecrets(part))) return part;
    return scrubTree(part, name === 'vars' ? 'strict' : 'patterns', name);
  });
}

function scrubBreadcrumb(breadcrumb: unknown): unknown {
  return mapObject(breadcrumb, (name, part) =>
    name === 'timestamp' || name === 'event_id' ? part : scrubTree(part, 'patterns', name),
  );
}

/** Rebuilds a plain object part by part; anything else is scrubbed as a whole. */
function mapObject(value: unknown, scrubPart: (name: string, part: unknown) => unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return scrubTree(value, 'patterns');
  return Object.fromEntries(Object.entries(value).map(([name, part]) => [name, scrubPart(name, part)]));
}
