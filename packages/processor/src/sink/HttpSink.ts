import type { OutgoingMessage, TransportProducer } from '@switchyard/core';

/**
 * POSTs each record to a URL. Only a 2xx answer confirms it; anything else (or no answer within
 * `timeoutMs`) throws, so the source message is retried and at last dead-lettered, never lost.
 */
export class HttpSink implements TransportProducer {
  constructor(
    private readonly url: string,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly timeoutMs: number,
  ) {}

  async send(message: OutgoingMessage): Promise<string> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          ...message.attributes,
          ...this.headers,
          'content-type': message.mediaType,
          ...(message.key === undefined ? {} : { 'x-record-key': message.key }),
        },
        body: message.body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(`sink ${this.url}: POST failed: ${(error as Error).message}`, { cause: error });
    }
    await response.arrayBuffer(); // the connection is reused only once the body is read
    if (!response.ok) throw new Error(`sink ${this.url}: POST answered ${response.status}`);
    return response.headers.get('x-record-id') ?? String(response.status);
  }

  async close(): Promise<void> {}
}
