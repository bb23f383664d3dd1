import { ensureTopics } from './kafkaTopics.js';
import { ensureQueues } from './sqsQueues.js';

export const BUS_KINDS = ['memory', 'kafka', 'sqs'] as const;
export type BusKind = (typeof BUS_KINDS)[number];

/**
 * Where the stops run: every stop on the default bus (the embedded one, Kafka with a topic and a
 * group per stop, or SQS with a queue per stop), except those placed on another (`--stop-bus`).
 */
export interface DemoBuses {
  readonly default: BusKind;
  /** stop → bus, for stops placed elsewhere than the default. */
  readonly placed: ReadonlyMap<string, BusKind>;
  readonly kafkaBrokers?: string;
  /** An SQS-compatible server; absent means AWS (credentials from the default chain). */
  readonly sqsEndpointUrl?: string;
}

export const MEMORY_ONLY: DemoBuses = { default: 'memory', placed: new Map() };

/** Each stop's flags; the demo creates the topics and queues it needs first. */
export async function flagsPerStop(
  buses: DemoBuses,
  stops: readonly string[],
): Promise<Map<string, string[]>> {
  const busOf = (stop: string): BusKind => buses.placed.get(stop) ?? buses.default;
  const on = (bus: BusKind): string[] => stops.filter((stop) => busOf(stop) === bus);
  const brokers = buses.kafkaBrokers ?? '';
  if (on('kafka').length > 0) await ensureTopics(brokers, on('kafka'));
  const queues = on('sqs').length > 0 ? await ensureQueues(on('sqs'), buses.sqsEndpointUrl) : undefined;
  const mixed = new Set(stops.map(busOf)).size > 1;
  // Every stop can publish to every bus in use; forwarding names the next stop, qualified with its
  // bus when the pipeline mixes them (`sqs:whitelist`), and that bus's producer resolves the name.
  const publishing = [
    ...(on('kafka').length > 0 ? ['--kafka-brokers', brokers] : []),
    ...(on('sqs').length > 0 ? sqsServer(buses.sqsEndpointUrl) : []),
    ...(mixed
      ? ['--set', `routing.stopTransports=${stops.map((stop) => `${stop}=${busOf(stop)}`).join(',')}`]
      : []),
  ];
  const consuming = (stop: string): string[] => {
    const bus = busOf(stop);
    const transport = mixed ? ['--transport', bus] : [];
    if (bus === 'kafka')
      return [...transport, '--topic', stop, '--group-id', `demo.${stop}`, '--from-beginning'];
    if (bus === 'sqs') {
      const { queueUrl, deadLetterQueueUrl } = queues!.get(stop)!;
      return [...transport, '--queue-url', queueUrl, '--set', `sqs.deadLetterQueueUrl=${deadLetterQueueUrl}`];
    }
    return transport;
  };
  return new Map(stops.map((stop) => [stop, [...publishing, ...consuming(stop)]]));
}

function sqsServer(endpointUrl: string | undefined): string[] {
  const endpoint = endpointUrl === undefined ? [] : ['--endpoint-url', endpointUrl];
  return [...endpoint, '--set', 'sqs.producer=sqs'];
}

/** `--stop-bus whitelist=sqs` → its placement; a clear error for an unknown stop or bus. */
export function parsePlacements(entries: readonly string[], stops: readonly string[]): Map<string, BusKind> {
  const placed = new Map<string, BusKind>();
  for (const entry of entries) {
    const [stop = '', bus = ''] = entry.split('=');
    if (!stops.includes(stop))
      throw new Error(`--stop-bus ${entry}: no stop named "${stop}"; the stops are ${stops.join(', ')}`);
    if (!(BUS_KINDS as readonly string[]).includes(bus))
      throw new Error(`--stop-bus ${entry}: the bus must be one of ${BUS_KINDS.join(', ')}`);
    placed.set(stop, bus as BusKind);
  }
  return placed;
}
