import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CallsInFlight } from './CallsInFlight.js';

/**
 * Longest the last user's close waits for calls still running on the client (the SDK's own retries
 * included) before it closes the client anyway: a publish cut off then may reach the queue twice.
 */
export const CLOSE_WAIT_MS = 10_000;

/**
 * An SDK client shared by the SQS transport and producer (or owned by the SNS producer): destroyed
 * (its keep-alive sockets closed, so the process can exit) when the last user has closed and the
 * calls running on it have finished. Destroying it under a send would make the SDK retry that send
 * on a new socket, and the queue would get the message twice.
 */
export class SharedClient {
  readonly #calls = new CallsInFlight();
  #users = 0;

  constructor(private readonly client: SQSClient | SNSClient) {
    // Every command sent through the client, whoever sends it, is counted until it settles. No
    // middleware name: a client a test or an app hands to two daemons would refuse the second.
    (client as SQSClient).middlewareStack.add((next) => (args) => this.#calls.track(next(args)), {
      step: 'initialize',
    });
  }

  /** Counts one user in; the function it returns (safe to call twice) counts it out. */
  use(): () => Promise<void> {
    this.#users += 1;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.#users -= 1;
      if (this.#users > 0) return;
      await this.#calls.settled(CLOSE_WAIT_MS);
      this.client.destroy();
    };
  }
}
