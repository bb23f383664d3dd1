/**
 * Runs inside each worker (thread or child process). Self-contained on purpose: Node loads this
 * file directly (from dist, or from src with its built-in type stripping), so it imports nothing
 * relative and uses only erasable TypeScript. The types mirror protocol.ts.
 */
import { isMainThread, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

interface Setup {
  handlerFile: string;
}
interface Message {
  body?: Uint8Array;
  messageId?: string;
  key?: string;
  headers?: Record<string, string>;
  mediaType?: string;
  attempt?: number;
  source?: string;
}
interface Task {
  kind: 'batch' | 'probe';
  messages?: Message[];
  /** Set for a sync handler's batch: run in turn, each message answered here as it ends. */
  answers?: MessagePort;
}
interface Output {
  key?: string;
  value: Uint8Array | string;
  headers?: Record<string, string>;
}
type HandlerModule = {
  handleEvent?: (context: Record<string, unknown>, data: Buffer) => unknown;
  initContext?: (context: Record<string, unknown>) => unknown;
};

// From the environment: tinypool's workerData reaches worker threads but not child processes.
const setup: Setup = { handlerFile: process.env.SWITCHYARD_HANDLER_FILE ?? '' };
const workerId =
  (process as { __tinypool_state__?: { workerId?: number } }).__tinypool_state__?.workerId ?? 0;

/**
 * In a worker thread process.exit would end the thread without a word to the pool, and the task
 * would hang until its timeout: while a handler runs it throws instead, and the thread then dies
 * of an uncaught error, which the pool sees. A child process simply exits (the pool sees it).
 */
class ExitCalled extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`process.exit(${code})`);
    this.code = code;
  }
}
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with process as `this` below
const realExit = process.exit;
// Only while a handler runs: tinypool itself calls process.exit to end an idle thread.
const exitDuringHandler = ((code?: number | string | null) => {
  // Node and tinypool end a thread whose handler threw at top level the same way: let them.
  if (!calledByUserCode()) return realExit.call(process, code);
  throw new ExitCalled(Number(code ?? 0));
}) as typeof process.exit;
let running = 0;

/** Whether a frame below this file's is neither Node's own nor tinypool's. */
function calledByUserCode(): boolean {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const self = import.meta.url;
  return frames.some(
    (frame) => !frame.includes(self) && !frame.includes('node:') && !frame.includes('/tinypool/'),
  );
}
function handlerStarts(): void {
  if (!isMainThread && running++ === 0) process.exit = exitDuringHandler;
}
function handlerEnds(): void {
  if (!isMainThread && --running === 0) process.exit = realExit;
}

function log(level: string, args: unknown[]): void {
  const [first, second] = args;
  const fields = typeof first === 'object' && first !== null ? first : {};
  const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), workerId, ...fields, msg })}\n`);
}

/** What the handler gets: persists across calls in this worker (initContext may set anything on it). */
const context: Record<string, unknown> = {
  workerId,
  env: process.env,
  logger: {
    debug: (...args: unknown[]) => log('debug', args),
    info: (...args: unknown[]) => log('info', args),
    warn: (...args: unknown[]) => log('warn', args),
    error: (...args: unknown[]) => log('error', args),
  },
};

let loaded: Promise<HandlerModule> | undefined;

function load(): Promise<HandlerModule> {
  loaded ??= (async () => {
    const module = (await import(pathToFileURL(setup.handlerFile).href)) as HandlerModule & {
      default?: HandlerModule;
    };
    // A CommonJS handler's exports arrive as the default export.
    const handler = typeof module.handleEvent === 'function' ? module : (module.default ?? module);
    if (typeof handler.initContext === 'function') await handler.initContext(context);
    return handler;
  })();
  loaded.catch(() => {
    loaded = undefined; // the next message tries again
  });
  return loaded;
}

export default async function run(task: Task): Promise<unknown> {
  if (task.kind === 'probe') {
    try {
      const handler = await load();
      const asyncHandleEvent = handler.handleEvent?.constructor.name === 'AsyncFunction';
      return { kind: 'probed', exports: Object.keys(handler), asyncHandleEvent };
    } catch (error) {
      return thrown(error);
    }
  }
  const messages = task.messages ?? [];
  try {
    // Started together: an async handler's messages overlap.
    if (task.answers === undefined)
      return { kind: 'batch', replies: await Promise.all(messages.map(runMessage)) };
    // A sync handler's, one after another: each answered as it ends, so the daemon goes on with it
    // while this worker runs the next. The batch's own reply then carries nothing more.
    for (const [index, message] of messages.entries())
      task.answers.postMessage({ index, reply: await runMessage(message) });
    return { kind: 'batch', replies: [] };
  } catch (error) {
    if (!(error instanceof ExitCalled)) throw error;
    // A thread that exits on its own is not noticed by tinypool (its next task would hang); one
    // that dies of an uncaught error is: the task is rejected with it and the thread replaced.
    setImmediate(() => {
      throw new Error(`the handler called process.exit(${error.code})`);
    });
    return new Promise(() => undefined);
  }
}

/** One message's reply; only an ExitCalled escapes (the worker must die of it). */
async function runMessage(message: Message): Promise<unknown> {
  try {
    const handler = await load();
    if (typeof handler.handleEvent !== 'function')
      throw new Error(`${setup.handlerFile} exports no handleEvent(context, data) function`);
    const body = message.body ?? new Uint8Array();
    const data = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    handlerStarts();
    try {
      const result = await handler.handleEvent(messageContext(message), data);
      return { kind: 'ok', outputs: toOutputs(result) };
    } finally {
      handlerEnds();
    }
  } catch (error) {
    if (error instanceof ExitCalled) throw error;
    return thrown(error);
  }
}

function thrown(error: unknown): unknown {
  const { name, message, delaySeconds } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    delaySeconds?: unknown;
  };
  return {
    kind: 'threw',
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : String(error),
    delaySeconds: typeof delaySeconds === 'number' ? delaySeconds : undefined,
  };
}

const MESSAGE_FIELDS = new Set(['messageId', 'key', 'headers', 'mediaType', 'attempt', 'source']);

/**
 * The worker's one context as this message sees it: its own messageId, key, headers, mediaType,
 * attempt and source (messages running at once must not see each other's), everything else
 * read from and written to the shared context, so what a handler stores there stays for later calls.
 */
function messageContext(message: Message): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    messageId: message.messageId,
    key: message.key,
    headers: message.headers,
    mediaType: message.mediaType,
    attempt: message.attempt,
    source: message.source,
  };
  const own = (name: string | symbol): name is string => typeof name === 'string' && MESSAGE_FIELDS.has(name);
  return new Proxy(context, {
    get: (shared, name): unknown => (own(name) ? fields[name] : (Reflect.get(shared, name) as unknown)),
    set: (shared, name, value) => {
      if (own(name)) fields[name] = value;
      else Reflect.set(shared, name, value);
      return true;
    },
    has: (shared, name) => own(name) || Reflect.has(shared, name),
    ownKeys: (shared) => [...new Set([...Reflect.ownKeys(shared), ...MESSAGE_FIELDS])],
    getOwnPropertyDescriptor: (shared, name) =>
      own(name)
        ? { value: fields[name], writable: true, enumerable: true, configurable: true }
        : Reflect.getOwnPropertyDescriptor(shared, name),
  });
}

// What a value published as JSON is labelled: the sink's media type, the HTTP answer's content type.
const JSON_TYPE: Record<string, string> = { 'content-type': 'application/json' };

/**
 * The return value → records: nothing for undefined/null, bytes and strings as they are, an
 * object as JSON, `{ key, value, headers }` with its key, an array as several records.
 */
function toOutputs(result: unknown): Output[] {
  if (result === undefined || result === null) return [];
  if (Array.isArray(result)) return result.flatMap((item) => toOutputs(item));
  if (typeof result === 'string' || result instanceof Uint8Array) return [{ value: ownBytes(result) }];
  if (isRecord(result)) {
    const { key, value, headers } = result as { key?: unknown; value: unknown; headers?: unknown };
    if (key !== undefined && typeof key !== 'string')
      throw new TypeError('the returned record has a key that is not a string');
    if (typeof value === 'string' || value instanceof Uint8Array)
      return [{ key, value: ownBytes(value), headers: stringHeaders(headers) }];
    return [{ key, value: JSON.stringify(value), headers: { ...JSON_TYPE, ...stringHeaders(headers) } }];
  }
  if (typeof result === 'object' || typeof result === 'number' || typeof result === 'boolean')
    return [{ value: JSON.stringify(result), headers: JSON_TYPE }];
  throw new TypeError(`handleEvent returned a ${typeof result}, which cannot be published`);
}

/**
 * Bytes in a buffer of their own (as pool/ownBytes.ts, which this file cannot import): a view on a
 * larger buffer returned as is would carry that whole buffer back to the daemon's thread.
 */
function ownBytes<T extends string | Uint8Array>(value: T): T | Uint8Array {
  if (typeof value === 'string') return value;
  return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength
    ? value
    : new Uint8Array(value);
}

/** `{ key?, value, headers? }` and nothing else, with a value: a record, not an object to publish as JSON. */
function isRecord(value: object): boolean {
  if (!('value' in value)) return false;
  return Object.keys(value).every((name) => name === 'key' || name === 'value' || name === 'headers');
}

function stringHeaders(headers: unknown): Record<string, string> | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof headers !== 'object')
    throw new TypeError('the returned record has headers that are not an object');
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}
