import {
  Nack,
  RejectMessage,
  SkipMessage,
  type HandlerContext,
  type OutgoingMessage,
  type RawMessage,
  type TransportProducer,
} from '@switchyard/core';
import type { WorkerOutput, WorkerReply } from '../pool/protocol.js';
import { WorkerCrash, type WorkerPool } from '../pool/WorkerPool.js';
import type { CrashLedger } from './CrashLedger.js';
import type { ReplyBook } from './ReplyBook.js';

export interface PoolHandlerParts {
  readonly pool: WorkerPool;
  /** Undefined for `sink.kind: none`. */
  readonly sink: TransportProducer | undefined;
  readonly crashes: CrashLedger;
  readonly maxWorkerCrashes: number;
  /** Set when the source answers its sender (HTTP). */
  readonly replies?: ReplyBook;
  /** Kafka `partitioner: random`: records go out without a key. */
  readonly dropKeys?: boolean;
}

/**
 * The processor's one handler: the message's bytes go to a worker; what the handler returned goes
 * to the sink, every record confirmed before this resolves, so the daemon acks the source message
 * only after its output is safe. Everything else (retries with backoff, dead letters, timeouts,
 * shutdown) is the daemon's: a crash or a sink failure is a thrown error like any other.
 */
export class PoolHandler {
  constructor(private readonly parts: PoolHandlerParts) {}

  readonly handle = async (message: RawMessage, context: HandlerContext): Promise<void> => {
    try {
      await this.#handle(message, context);
    } catch (error) {
      this.parts.replies?.fail(context.messageId, (error as Error).message);
      throw error;
    }
  };

  async #handle(message: RawMessage, context: HandlerContext): Promise<void> {
    const reply = await this.#run(message, context);
    const outputs = this.#outputsOf(reply);
    const { sink, replies } = this.parts;
    if (sink !== undefined) for (const output of outputs) await sink.send(this.#outgoing(output, message));
    replies?.set(context.messageId, outputs);
  }

  async #run(message: RawMessage, context: HandlerContext): Promise<WorkerReply> {
    const { pool, crashes, maxWorkerCrashes } = this.parts;
    try {
      const reply = await pool.run(
        {
          kind: 'message',
          body: message.body,
          messageId: context.messageId,
          key: message.key,
          headers: message.attributes,
          mediaType: message.mediaType,
          attempt: context.attempt,
          source: context.source,
        },
        { signal: context.signal, alone: crashes.runsAlone(context.messageId) },
      );
      crashes.forget(context.messageId);
      return reply;
    } catch (error) {
      if (!(error instanceof WorkerCrash)) throw error;
      if (error.messagesInWorker > 1) {
        crashes.crashedBeside(context.messageId);
        throw new Error(
          `${error.message}, while it ran ${error.messagesInWorker} messages at once (not counted against processor.maxWorkerCrashes: this message's next attempt runs alone on a worker)`,
          { cause: error },
        );
      }
      const count = crashes.record(context.messageId);
      if (count < maxWorkerCrashes)
        throw new Error(
          `${error.message} (crash ${count} of processor.maxWorkerCrashes ${maxWorkerCrashes} on this message)`,
          { cause: error },
        );
      crashes.forget(context.messageId);
      throw new RejectMessage(
        `the worker crashed ${count} times on this message (processor.maxWorkerCrashes ${maxWorkerCrashes}); last: ${error.message}`,
      );
    }
  }

  /** The worker's reply as records, or the handler's own failure rethrown with its meaning. */
  #outputsOf(reply: WorkerReply): readonly WorkerOutput[] {
    switch (reply.kind) {
      case 'ok':
        return reply.outputs;
      case 'threw':
        if (reply.name === 'SkipMessage') throw new SkipMessage(reply.message);
        if (reply.name === 'RejectMessage') throw new RejectMessage(reply.message);
        if (reply.name === 'Nack') throw new Nack(reply.delaySeconds ?? 0, reply.message);
        throw new Error(`handleEvent threw ${reply.name}: ${reply.message}`);
    }
  }

  #outgoing(output: WorkerOutput, message: RawMessage): OutgoingMessage {
    const headers = output.headers ?? {};
    // A record without a key keeps the source message's: per-key order carries through.
    const key = this.parts.dropKeys === true ? undefined : (output.key ?? message.key);
    return {
      mediaType: headers['content-type'] ?? 'application/octet-stream',
      body: output.value,
      attributes: headers,
      key,
    };
  }
}
