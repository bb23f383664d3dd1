import { SwitchyardError } from '@switchyard/core';

/** Codes of @switchyard/rpc errors; callers match on these, never on message text. */
export const RpcErrorCodes = {
  /** An API class, method or event is declared or used wrongly (caught at the call, not on the wire). */
  USAGE: 'SWITCHYARD_RPC_USAGE',
  /** No daemon serves the API on this bus (where the bus can tell). */
  API_UNKNOWN: 'SWITCHYARD_RPC_API_UNKNOWN',
  /** The serving daemon's API has no such method. */
  METHOD_UNKNOWN: 'SWITCHYARD_RPC_METHOD_UNKNOWN',
  /** Parameters, result or event payload do not match their schema. */
  SCHEMA_MISMATCH: 'SWITCHYARD_RPC_SCHEMA_MISMATCH',
  /** The call's deadline passed before a reply arrived. */
  TIMEOUT: 'SWITCHYARD_RPC_TIMEOUT',
  /** Only a daemon that lists the API in its `apis` may fire its events. */
  EVENT_NOT_OWNED: 'SWITCHYARD_RPC_EVENT_NOT_OWNED',
  /** The bus was closed while the call waited for its reply. */
  BUS_CLOSED: 'SWITCHYARD_RPC_BUS_CLOSED',
  /** The remote method threw something without a code of its own. */
  REMOTE_FAILED: 'SWITCHYARD_RPC_REMOTE_FAILED',
  /** The serving daemon already holds as many waiting calls as it may (NATS core calls). */
  OVERLOADED: 'SWITCHYARD_RPC_OVERLOADED',
} as const;

export type RpcErrorCode = (typeof RpcErrorCodes)[keyof typeof RpcErrorCodes];

/** A call whose deadline passed before its reply arrived. The server may or may not have run it. */
export class RpcTimeoutError extends SwitchyardError {
  constructor(
    readonly api: string,
    readonly method: string,
    readonly deadlineMs: number,
  ) {
    super(RpcErrorCodes.TIMEOUT, `${api}.${method}: no reply within its deadline of ${deadlineMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

/** What a failed call tells its caller: the error's name, message and code, not its stack by default. */
export interface RemoteErrorDetails {
  readonly name: string;
  readonly message: string;
  readonly code: string;
  /** Only when the serving daemon sets `rpc.exposeStacks`. */
  readonly stack?: string;
}

/**
 * An error raised by the remote side of a call: the method threw, or the server refused the call
 * (unknown method, parameters that do not match the schema). `code` is the thrown error's `code`
 * when it had a string one, else `SWITCHYARD_RPC_REMOTE_FAILED`.
 */
export class RemoteError extends SwitchyardError {
  /** The remote error's own name and message (`message` says which call failed, too). */
  readonly remoteName: string;
  readonly remoteMessage: string;
  readonly remoteStack: string | undefined;

  constructor(
    readonly api: string,
    readonly method: string,
    details: RemoteErrorDetails,
  ) {
    super(details.code, `${api}.${method} failed remotely: ${details.name}: ${details.message}`);
    this.name = 'RemoteError';
    this.remoteName = details.name;
    this.remoteMessage = details.message;
    this.remoteStack = details.stack;
  }
}

export function rpcError(code: RpcErrorCode, message: string): SwitchyardError {
  return new SwitchyardError(code, message);
}
