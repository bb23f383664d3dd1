export {
  toKafkaHandler,
  toLambdaHandler,
  toSnsHandler,
  type KafkaBatchResponse,
  type LambdaHandler,
} from './handlers.js';
export { DEFAULT_DEADLINE_MARGIN_MS, type LambdaHandlerOptions } from './LambdaHandlerOptions.js';
export type { DaemonClass } from './LambdaRuntime.js';
export { LambdaTransport } from './LambdaTransport.js';
export type { FailedRecord } from './Invocation.js';
