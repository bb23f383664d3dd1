import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from './ConfigError.js';
import { CONFIG_SCHEMA } from './configSchema.js';
import { interpolate, scalar, yamlPath } from './interpolate.js';
import type { ProcessorConfig, SinkConfig, SourceConfig } from './ProcessorConfig.js';

/** Top-level keys of config.yaml: `--set` on these edits the YAML; any other `--set` goes to the daemon. */
const YAML_SECTIONS: ReadonlySet<string> = new Set(Object.keys(CONFIG_SCHEMA.properties));

export interface LoadOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--set path=value` assignments; `processor.workers=4` edits the YAML, others pass through. */
  readonly sets?: readonly string[];
}

export interface LoadedProcessorConfig {
  readonly config: ProcessorConfig;
  /** `--set` assignments that name no YAML section (`daemon.logLevel=debug`): for the daemon. */
  readonly daemonSets: readonly string[];
}

// verbose: errors carry the failing value and its schema, which the messages quote.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
const validate = ajv.compile(CONFIG_SCHEMA);

/** Reads, interpolates, overrides and validates config.yaml; throws `ConfigError` with every problem. */
export function loadProcessorConfig(file: string, options: LoadOptions = {}): LoadedProcessorConfig {
  if (!existsSync(file))
    throw new ConfigError(file, [
      `no such file; fix: pass the path of the config, e.g. switchyard process ./config.yaml`,
    ]);
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => {
        const at = lines.linePos(error.pos[0]);
        return `line ${at.line}, column ${at.col}: ${error.message.split('\n')[0]}; fix: correct the YAML syntax there`;
      }),
    );
  }
  const problems: string[] = [];
  const parsed = interpolate(document.toJS() ?? {}, options.env ?? process.env, problems);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(file, [
      'the file is not a mapping; fix: start with processor:, source: and sink: keys',
    ]);
  const daemonSets = applySets(parsed as Record<string, unknown>, options.sets ?? [], problems);
  if (!validate(parsed)) {
    const where = (path: (string | number)[]): string => lineOf(document, lines, path);
    for (const error of relevant(validate.errors ?? [])) problems.push(describe(error, where));
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { config: normalize(parsed as Raw, dirname(resolve(file))), daemonSets };
}

// The shape ajv has checked, defaults filled in where ajv fills them.
type Raw = {
  name: string;
  processor: Record<string, unknown>;
  source: Record<string, unknown>;
  sink: Record<string, unknown>;
  consumer: Record<string, string | number | boolean>;
};

function applySets(config: Record<string, unknown>, sets: readonly string[], problems: string[]): string[] {
  const passThrough: string[] = [];
  for (const assignment of sets) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) {
      problems.push(`--set ${assignment}: expected path=value, e.g. --set processor.workers=4`);
      continue;
    }
    const path = assignment.slice(0, equals).split('.');
    if (!YAML_SECTIONS.has(path[0]!)) {
      passThrough.push(assignment);
      continue;
    }
    let target = config;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    const text = assignment.slice(equals + 1);
    // A list key takes comma-separated values (--set source.topics=a,b).
    target[path.at(-1)!] = isListKey(path) ? text.split(',').map((item) => item.trim()) : scalar(text);
  }
  return passThrough;
}

const isListKey = (path: string[]): boolean =>
  path.length === 2 &&
  ['brokers', 'topics', 'servers'].includes(path[1]!) &&
  (path[0] === 'source' || path[0] === 'sink');

/** if/then wrappers report "must match then" besides the real error: only the real one is shown. */
function relevant(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter((error) => error.keyword !== 'if');
}

function describe(error: ErrorObject, where: (path: (string | number)[]) => string): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replaceAll('~1', '/').replaceAll('~0', '~')));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const suggestion = closest(key, known);
      return `${yamlPath([...path, key])}${where([...path, key])}: unknown key; fix: ${suggestion === undefined ? 'remove it' : `did you mean ${suggestion}?`} (known here: ${known.join(', ')})`;
    }
    case 'required': {
      const key = String(params.missingProperty);
      const schema = (error.parentSchema as { properties?: Record<string, KeySchema> }).properties?.[key];
      const example = schema?.examples?.[0];
      return `${yamlPath([...path, key])}${where(path)}: missing; fix: add ${key}: ${example === undefined ? '<value>' : JSON.stringify(example)}${schema?.description === undefined ? '' : ` (${schema.description})`}`;
    }
    case 'enum':
    case 'const': {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [params.allowedValue];
      return `${yamlPath(path)}${where(path)}: ${JSON.stringify(error.data)} is not allowed; fix: use one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
    }
    case 'type':
      return `${yamlPath(path)}${where(path)}: expected ${String(params.type)}, got ${describeValue(error.data)}; fix: write ${exampleOf(String(params.type))}`;
    default:
      return `${yamlPath(path)}${where(path)}: ${error.message ?? 'invalid'}; fix: ${fixFor(error)}`;
  }
}

type KeySchema = { examples?: unknown[]; description?: string };

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function exampleOf(type: string): string {
  if (type.includes('integer') || type.includes('number')) return 'a number, e.g. 2';
  if (type.includes('array')) return 'a list, e.g. [a, b] or one "- item" per line';
  if (type.includes('object')) return 'a mapping of keys below it';
  if (type.includes('boolean')) return 'true or false';
  return 'text';
}

function fixFor(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'minimum':
      return `use a value >= ${String(params.limit)}`;
    case 'minItems':
      return `list at least ${String(params.limit)} item(s)`;
    case 'minLength':
      return 'give a non-empty value';
    case 'pattern':
      return `match ${String(params.pattern)}`;
    default:
      return 'see switchyard process --print-config-schema';
  }
}

/** The known key nearest to a misspelt one (edit distance ≤ 2), if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

/** ` (line 4)` for the node at `path` (the nearest enclosing node that exists), or nothing. */
function lineOf(document: Document, lines: LineCounter, path: (string | number)[]): string {
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (node === undefined || node === null) continue;
    const range = (node as { range?: [number, number, number] }).range;
    // A key's own line is where its value starts; for a mapping or list that is its first entry.
    if (range === undefined || (length === 0 && !isMap(node) && !isSeq(node))) continue;
    return ` (line ${lines.linePos(range[0]).line})`;
  }
  return '';
}

function normalize(raw: Raw, folder: string): ProcessorConfig {
  const processor = raw.processor;
  return {
    name: raw.name,
    processor: {
      handlerPath: resolve(folder, (processor.handlerPath as string | undefined) ?? '.'),
      moduleName: processor.moduleName as string,
      workers: processor.workers as number,
      concurrency: processor.concurrency as number,
      runtime: processor.runtime as 'threads' | 'processes',
      env: (processor.env as { name: string; value: unknown }[]).map(({ name, value }) => ({
        name,
        value: String(value),
      })),
      timeoutMs: processor.timeoutMs as number,
      maxWorkerCrashes: processor.maxWorkerCrashes as number,
      maxMemoryMb: processor.maxMemoryMb as number,
      queueSize: processor.queueSize as number,
      mode: processor.mode as ProcessorConfig['processor']['mode'],
    },
    source: withDefaults(raw.source, SOURCE_DEFAULTS) as unknown as SourceConfig,
    sink: withDefaults(raw.sink, SINK_DEFAULTS) as unknown as SinkConfig,
    consumer: raw.consumer,
  };
}

// Defaults of the kind-specific keys (ajv fills defaults outside if/then only).
const SOURCE_DEFAULTS: Record<string, Record<string, unknown>> = {
  kafka: { consumerGroup: '', offset: 'latest', deadLetterTopic: '' },
  sqs: { endpoint: '', region: '', deadLetterQueueUrl: '' },
  nats: { subject: '', durable: '', createStream: false, createConsumer: false },
  http: { host: '0.0.0.0', path: '/' },
  memory: { queue: 'processor-in' },
};
const SINK_DEFAULTS: Record<string, Record<string, unknown>> = {
  kafka: { partitioner: 'hash' },
  sqs: { endpoint: '', region: '' },
  sns: { endpoint: '', region: '' },
  nats: {},
  http: { headers: {}, timeoutMs: 10_000 },
  memory: { queue: 'processor-out' },
  none: {},
};

function withDefaults(
  section: Record<string, unknown>,
  defaults: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  return { ...defaults[section.kind as string], ...section };
}
