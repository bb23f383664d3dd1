import type { OutgoingMessage, TransportProducer } from '../transport/Transport.js';

/** Wraps a transport producer and remembers everything it sent, for assertions. */
export class RecordingProducer implements TransportProducer {
  readonly sent: OutgoingMessage[] = [];

  constructor(private readonly inner: TransportProducer) {}

  async send(message: OutgoingMessage): Promise<string> {
    const id = await this.inner.send(message);
    this.sent.push(message);
    return id;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
