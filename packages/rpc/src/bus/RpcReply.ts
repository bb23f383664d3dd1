import type { RemoteErrorDetails } from '../errors.js';

/** A reply on the wire: the result, or the error the method (or the server) raised. */
export interface RpcReply {
  readonly correlationId: string;
  readonly result?: Record<string, unknown>;
  readonly error?: RemoteErrorDetails;
}

/**
 * The text of a reply a wire or lane answers a call with itself (it never reached a method, or its
 * answer cannot travel): an RpcError with one of RpcErrorCodes.
 */
export function rpcErrorReply(correlationId: string, code: string, message: string): string {
  const reply: RpcReply = { correlationId, error: { name: 'RpcError', message, code } };
  return JSON.stringify(reply);
}

/** A reply from the wire, or undefined for anything that is not one (it is dropped). */
export function parseReply(body: string): RpcReply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const reply = value as Record<string, unknown>;
  if (typeof reply['correlationId'] !== 'string') return undefined;
  const error = reply['error'] as Record<string, unknown> | undefined;
  if (error !== undefined) {
    const { name, message, code, stack } = error;
    if (typeof name !== 'string' || typeof message !== 'string' || typeof code !== 'string') return undefined;
    return {
      correlationId: reply['correlationId'],
      error: { name, message, code, ...(typeof stack === 'string' ? { stack } : {}) },
    };
  }
  return { correlationId: reply['correlationId'], result: reply['result'] as Record<string, unknown> };
}
