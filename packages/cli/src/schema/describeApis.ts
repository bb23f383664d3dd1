import { apiMetadata, wireAddresses, type ApiClass } from '@switchyard/rpc';
import type { ApiModule } from './loadApiModule.js';

export type TransportName = keyof typeof wireAddresses;
export const TRANSPORT_NAMES = Object.keys(wireAddresses) as TransportName[];

/** What each transport calls the places `wireAddresses` names. */
const KINDS: Record<TransportName, { requests: string; replies: string; events: string; listener: string }> =
  {
    memory: { requests: 'queue', replies: 'inbox', events: '', listener: 'queue' },
    kafka: { requests: 'topic', replies: 'topic', events: 'topic', listener: 'consumer group' },
    sqs: { requests: 'queue', replies: 'queue', events: 'SNS topic', listener: 'queue' },
    nats: { requests: 'subject', replies: 'inbox subject', events: 'subject', listener: 'durable consumer' },
  };

export interface Place {
  readonly kind: string;
  readonly name: string;
}

export interface MethodView {
  readonly name: string;
  readonly params: string;
  readonly result: string | null;
  readonly idempotent: boolean;
}

export interface EventView {
  readonly name: string;
  readonly payload: string;
  /** Where it is published; undefined where events go straight to each listener's queue. */
  readonly publishedTo: Place | undefined;
  /** The place each listener gets, with `<listenerName>` for its name. */
  readonly perListener: Place;
}

export interface ApiView {
  readonly name: string;
  readonly className: string;
  readonly requests: Place;
  readonly methods: readonly MethodView[];
  readonly events: readonly EventView[];
}

export interface ModuleView {
  readonly transport: TransportName;
  readonly daemons: ReadonlyArray<{
    readonly name: string;
    readonly className: string;
    readonly apis: readonly ApiView[];
  }>;
  /** Exported APIs no exported daemon serves (a client's view). */
  readonly unserved: readonly ApiView[];
  readonly replies: Place;
  /** Listeners are registered by `.listen()` as a daemon runs: nothing declares them beforehand. */
  readonly listeners: string;
}

export function describeModule(module: ApiModule, transport: TransportName): ModuleView {
  const served = new Set<ApiClass>();
  const daemons = module.daemons.map(({ daemon }) => {
    for (const apiClass of daemon.apis) served.add(apiClass);
    return {
      name: daemon.name,
      className: daemon.constructor.name,
      apis: daemon.apis.map((api) => describeApi(api, transport)),
    };
  });
  const kinds = KINDS[transport];
  return {
    transport,
    daemons,
    unserved: [...module.apis.values()]
      .filter((api) => !served.has(api))
      .map((api) => describeApi(api, transport)),
    replies: { kind: kinds.replies, name: wireAddresses[transport].replies('<clientId>') },
    listeners:
      'registered at run time by .listen(handler, { listenerName }) (in a daemon, from onReady on): not known before the daemon runs; each listener name gets its own place, shown per event',
  };
}

function describeApi(apiClass: ApiClass, transport: TransportName): ApiView {
  const metadata = apiMetadata(apiClass);
  const addresses = wireAddresses[transport];
  const kinds = KINDS[transport];
  return {
    name: metadata.name,
    className: metadata.className,
    requests: { kind: kinds.requests, name: addresses.requests(metadata.name) },
    methods: [...metadata.methods.values()]
      .map((method) => ({
        name: method.name,
        params: method.params.name,
        result: method.returns?.name ?? null,
        idempotent: method.idempotent,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    events: [...metadata.events.values()]
      .map((event) => {
        const publishedTo = addresses.events(metadata.name, event.name);
        return {
          name: event.name,
          payload: event.payload.name,
          publishedTo: publishedTo === '' ? undefined : { kind: kinds.events, name: publishedTo },
          perListener: {
            kind: kinds.listener,
            name: addresses.listener(metadata.name, event.name, '<listenerName>'),
          },
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The view as the lines `switchyard inspect` prints. */
export function moduleText(view: ModuleView): string {
  const lines: string[] = [];
  const api = (item: ApiView, indent: string): void => {
    lines.push(
      `${indent}api ${item.name} (${item.className}): calls in ${item.requests.kind} ${item.requests.name}`,
    );
    if (item.methods.length === 0) lines.push(`${indent}  no methods`);
    for (const method of item.methods)
      lines.push(
        `${indent}  ${method.name}(${method.params}) → ${method.result ?? 'nothing'}${method.idempotent ? '  idempotent' : ''}`,
      );
    if (item.events.length === 0) lines.push(`${indent}  no events`);
    for (const event of item.events)
      lines.push(
        `${indent}  event ${event.name}(${event.payload}): ${
          event.publishedTo === undefined
            ? 'sent straight to each listener'
            : `published to ${event.publishedTo.kind} ${event.publishedTo.name}`
        }; each listener: ${event.perListener.kind} ${event.perListener.name}`,
      );
  };
  lines.push(`on ${view.transport}:`);
  for (const daemon of view.daemons) {
    lines.push(
      `daemon ${daemon.name} (${daemon.className}) serves ${daemon.apis.length === 0 ? 'no API' : daemon.apis.map((item) => item.name).join(', ')}`,
    );
    for (const item of daemon.apis) api(item, '  ');
  }
  if (view.unserved.length > 0) {
    lines.push(
      view.daemons.length === 0
        ? 'APIs (no daemon in this module serves them):'
        : 'APIs no daemon in this module serves:',
    );
    for (const item of view.unserved) api(item, '  ');
  }
  lines.push(`replies: each client process has its own ${view.replies.kind} ${view.replies.name}`);
  lines.push(`listeners: ${view.listeners}`);
  return lines.join('\n');
}
