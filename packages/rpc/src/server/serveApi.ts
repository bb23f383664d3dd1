import { RejectMessage, SkipMessage, type BoundHandler, type HandlerContext } from '@switchyard/core';
import type { ApiCodec } from '../api/ApiCodec.js';
import { callScope } from '../bus/callScope.js';
import type { RpcReply } from '../bus/RpcReply.js';
import { RpcErrorCodes, type RemoteErrorDetails } from '../errors.js';
import type { IdempotencyStore, StoredAnswer } from '../idempotency/IdempotencyStore.js';
import { RpcRequest } from '../wire/RpcRequest.js';
import type { RpcWire } from '../wire/RpcWire.js';
import { ServedCall } from './ServedCall.js';

export interface ServeOptions {
  /** Send the thrown error's stack to the caller (default false: stacks stay in the server's logs). */
  readonly exposeStacks: boolean;
}

/** How idempotent calls run once. */
export interface RunOnce {
  readonly store: IdempotencyStore;
  readonly claimLeaseMs: number;
  readonly idempotencyTtlMs: number;
}

type Implementation = (params: object, call: ServedCall) => unknown;

/**
 * The handler of an API's calls, run by the daemon's pipeline (so middleware, outcomes and the
 * concurrency bound apply). A call whose deadline has passed is skipped, never started. A call that
 * fails (unknown method, parameters or result that do not match, the method threw) is answered
 * with the error and then dead-lettered with the reason: it is not retried, since the caller
 * already has its answer and the method may not be safe to run twice.
 */
export function serveApi(
  codec: ApiCodec,
  instance: object,
  wire: RpcWire,
  options: ServeOptions,
  runOnce: RunOnce,
): BoundHandler {
  const reply = (request: RpcRequest, body: Omit<RpcReply, 'correlationId'>, context: HandlerContext) =>
    wire.sendReply(request.replyTo, replyText(request.correlationId, body)).then((sent) => {
      if (!sent) context.logger.warn({ replyTo: request.replyTo }, 'the caller has gone; reply dropped');
    });
  const refuse = async (request: RpcRequest, code: string, message: string, context: HandlerContext) => {
    await reply(request, { error: { name: 'RpcError', message, code } }, context);
    throw new RejectMessage(message);
  };
  return {
    name: `${codec.metadata.className} (api ${codec.name})`,
    mediaType: RpcRequest.mediaType,
    invoke: async (message, context) => {
      const request = message as RpcRequest;
      const where = `${request.api}.${request.method}`;
      if (request.api !== codec.name)
        return refuse(
          request,
          RpcErrorCodes.API_UNKNOWN,
          `${where}: this daemon serves ${codec.name}, not ${request.api}`,
          context,
        );
      const method = codec.metadata.methods.get(request.method);
      const implementation = (instance as Record<string, unknown>)[request.method];
      if (method === undefined || typeof implementation !== 'function')
        return refuse(request, RpcErrorCodes.METHOD_UNKNOWN, `${where}: no such @rpc method here`, context);
      const late = Date.now() - request.deadline;
      if (late >= 0) throw new SkipMessage(`${where}: its deadline passed ${late} ms ago; not started`);
      let params: object;
      try {
        const decoded = codec.decodeParams(method, request.params);
        params = decoded instanceof Promise ? await decoded : decoded;
      } catch (error) {
        return refuse(request, RpcErrorCodes.SCHEMA_MISMATCH, (error as Error).message, context);
      }
      const run = async (): Promise<StoredAnswer> => {
        const call = new ServedCall(codec.name, method.name, request.deadline, context);
        try {
          const returned = await callScope.run({ deadline: request.deadline }, () =>
            (implementation as Implementation).call(instance, params, call),
          );
          const encoded = codec.encodeResult(method, returned);
          const result = encoded instanceof Promise ? await encoded : encoded;
          return result === undefined ? {} : { result };
        } catch (error) {
          return { error: describe(error, options.exposeStacks) };
        }
      };
      const key = method.idempotent ? request.idempotencyKey : undefined;
      const { answer, ran } =
        key === undefined
          ? { answer: await run(), ran: true }
          : await runClaimed(`${where}:${key}`, run, runOnce, context);
      await reply(request, answer, context);
      if (!ran) throw new SkipMessage(`${where}: key ${key} already ran; its recorded answer was sent again`);
      if (answer.error !== undefined)
        throw new RejectMessage(
          `${where} threw ${answer.error.name}: ${answer.error.message} (the caller got a RemoteError)`,
        );
    },
  };
}

/**
 * Runs an idempotent call once per key: a resend or redelivery of a call that ran gets its recorded
 * answer (`ran` false); one that arrives while it runs elsewhere is skipped (that run answers the
 * caller). The claim is renewed while the method runs, so a crashed daemon's claim soon expires
 * and a retry runs it.
 */
async function runClaimed(
  key: string,
  run: () => Promise<StoredAnswer>,
  { store, claimLeaseMs, idempotencyTtlMs }: RunOnce,
  context: HandlerContext,
): Promise<{ answer: StoredAnswer; ran: boolean }> {
  const claim = await store.claim(key, claimLeaseMs);
  if (claim.kind === 'answered') return { answer: claim.answer, ran: false };
  if (claim.kind === 'running')
    throw new SkipMessage(`${key}: already running (a resend or redelivery); that run answers the caller`);
  const renewal = setInterval(() => {
    store.renew(key, claim.token, claimLeaseMs).then(
      (held) => held || context.logger.warn({ key }, 'lost the claim on an idempotent call while it ran'),
      (error: unknown) =>
        context.logger.warn({ key, err: error }, 'cannot renew the claim on an idempotent call'),
    );
  }, claimLeaseMs / 2);
  renewal.unref();
  let answer: StoredAnswer;
  try {
    answer = await run();
  } finally {
    clearInterval(renewal);
  }
  // The caller gets its answer even when it cannot be recorded; a retry might then run it again.
  await store
    .answer(key, answer, idempotencyTtlMs)
    .catch((error: unknown) =>
      context.logger.warn(
        { key, err: error },
        'cannot record the answer of an idempotent call; a retry may run it again',
      ),
    );
  return { answer, ran: true };
}

/** The reply's text: the correlation id first, then the result or the error. */
function replyText(correlationId: string, { result, error }: Omit<RpcReply, 'correlationId'>): string {
  return JSON.stringify(error === undefined ? { correlationId, result } : { correlationId, error });
}

function describe(error: unknown, exposeStacks: boolean): RemoteErrorDetails {
  if (!(error instanceof Error))
    return { name: 'Error', message: String(error), code: RpcErrorCodes.REMOTE_FAILED };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    code: typeof code === 'string' ? code : RpcErrorCodes.REMOTE_FAILED,
    ...(exposeStacks && error.stack !== undefined ? { stack: error.stack } : {}),
  };
}
