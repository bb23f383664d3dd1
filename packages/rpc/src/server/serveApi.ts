import { RejectMessage, SkipMessage, type BoundHandler, type HandlerContext } from '@switchyard/core';
import type { ApiCodec } from '../api/ApiCodec.js';
import type { CallContext } from '../api/CallContext.js';
import { callScope } from '../bus/callScope.js';
import type { RpcReply } from '../bus/RpcReply.js';
import { RpcErrorCodes, type RemoteErrorDetails } from '../errors.js';
import { RpcRequest } from '../wire/RpcRequest.js';
import type { RpcWire } from '../wire/RpcWire.js';

export interface ServeOptions {
  /** Send the thrown error's stack to the caller (default false: stacks stay in the server's logs). */
  readonly exposeStacks: boolean;
}

type Implementation = (params: object, call: CallContext) => unknown;

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
): BoundHandler {
  const reply = async (
    request: RpcRequest,
    body: Omit<RpcReply, 'correlationId'>,
    context: HandlerContext,
  ) => {
    const sent = await wire.sendReply(
      request.replyTo,
      JSON.stringify({ correlationId: request.correlationId, ...body }),
    );
    if (!sent) context.logger.warn({ replyTo: request.replyTo }, 'the caller has gone; reply dropped');
  };
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
        params = await codec.decodeParams(method, request.params);
      } catch (error) {
        return refuse(request, RpcErrorCodes.SCHEMA_MISMATCH, (error as Error).message, context);
      }
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(request.deadline - Date.now())]);
      const call: CallContext = {
        api: codec.name,
        method: method.name,
        deadline: request.deadline,
        signal,
        logger: context.logger,
        attempt: context.attempt,
      };
      let result: Record<string, unknown> | undefined;
      try {
        const returned = await callScope.run({ deadline: request.deadline }, () =>
          (implementation as Implementation).call(instance, params, call),
        );
        result = await codec.encodeResult(method, returned);
      } catch (error) {
        const details = describe(error, options.exposeStacks);
        await reply(request, { error: details }, context);
        throw new RejectMessage(
          `${where} threw ${details.name}: ${details.message} (the caller got a RemoteError)`,
        );
      }
      await reply(request, result === undefined ? {} : { result }, context);
    },
  };
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
