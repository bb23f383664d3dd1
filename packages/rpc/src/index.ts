export {
  api,
  rpc,
  event,
  apiMetadata,
  type ApiClass,
  type ApiEvent,
  type ApiMetadata,
  type EventMetadata,
  type MethodMetadata,
  type RpcOptions,
} from './api/decorators.js';
export type {
  ApiClient,
  CallOptions,
  EventClient,
  EventListener,
  ListenOptions,
  ListenerContext,
} from './api/ApiClient.js';
export type { CallContext } from './api/CallContext.js';
export { Bus, createBus, DEFAULT_DEADLINE_MS, type BusOptions } from './bus/Bus.js';
export {
  RemoteError,
  RpcErrorCodes,
  RpcTimeoutError,
  type RemoteErrorDetails,
  type RpcErrorCode,
} from './errors.js';
export { ApiDaemon } from './server/ApiDaemon.js';
export { memoryWire } from './wire/memoryWire.js';
export type { Inbox, Lane, OutgoingCall, RpcWire, Served } from './wire/RpcWire.js';
export type { DaemonWireModule } from './wire/daemonWire.js';
export { wireAddresses, type WireAddresses } from './wire/addresses.js';
export { RpcRequest } from './wire/RpcRequest.js';
export { apiJsonSchema, compareApiSchemas, type JsonSchema, type SchemaChange } from './schema/index.js';
export { RpcConfig } from './config/RpcConfig.js';
export type { Claim, IdempotencyStore, StoredAnswer } from './idempotency/IdempotencyStore.js';
export { MemoryIdempotencyStore } from './idempotency/MemoryIdempotencyStore.js';
