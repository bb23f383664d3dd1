import { SwitchyardError } from '../errors/SwitchyardError.js';
import { ErrorCodes } from '../errors/codes.js';
import type { OutgoingMessage, TransportProducer } from '../transport/Transport.js';

/** `kafka:orders` → transport `kafka`, destination `orders`. Queue URLs (`https://…`) never match. */
const QUALIFIED = /^([a-z][a-z0-9-]*):(?!\/\/)(.+)$/;

/**
 * The daemon's producer when several transports are listed: a destination qualified with a
 * transport's name (`sqs:whitelist`) is published through that transport's producer, anything else
 * through the consuming transport's. This is what lets one routing pipeline cross buses.
 */
export class DestinationRouter implements TransportProducer {
  readonly #opened = new Set<TransportProducer>();

  constructor(
    private readonly ownTransport: string,
    private readonly own: TransportProducer,
    /** The other transports' names, and their producers (undefined when not configured). */
    private readonly others: ReadonlyMap<string, () => TransportProducer | undefined>,
  ) {}

  send(message: OutgoingMessage): Promise<string> {
    const match = QUALIFIED.exec(message.destination ?? '');
    const [transport, destination] = match === null ? [] : [match[1]!, match[2]!];
    if (transport === undefined || (transport !== this.ownTransport && !this.others.has(transport)))
      return this.own.send(message);
    const producer = transport === this.ownTransport ? this.own : this.#other(transport, message);
    this.#opened.add(producer);
    return producer.send({ ...message, destination });
  }

  async close(): Promise<void> {
    await Promise.all([this.own, ...this.#opened].map((producer) => producer.close()));
  }

  #other(transport: string, message: OutgoingMessage): TransportProducer {
    const producer = this.others.get(transport)?.();
    if (producer === undefined)
      throw new SwitchyardError(
        ErrorCodes.PRODUCER_UNAVAILABLE,
        `cannot publish to ${message.destination}: the ${transport} transport has no server configured ` +
          `in this daemon (give it the ${transport} connection settings, e.g. its brokers or endpoint)`,
      );
    return producer;
  }
}
