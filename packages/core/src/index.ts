import 'reflect-metadata';

export { SwitchyardError } from './errors/SwitchyardError.js';
export { ErrorCodes, type ErrorCode } from './errors/codes.js';

export { configSection, secret, type ConfigClass } from './config/configSection.js';
export { loadConfig, LoadedConfig, type ConfigSources } from './config/loadConfig.js';
export { envVarName } from './config/configKeys.js';
export { ConsumerConfig } from './config/ConsumerConfig.js';
export { DaemonConfig } from './config/DaemonConfig.js';

export { schema, schemaMediaType, type SchemaClass } from './messages/schema.js';
export { SchemaRegistry } from './messages/SchemaRegistry.js';
export { MessageCodec, type WireMessage } from './messages/MessageCodec.js';
export {
  readPlan,
  type ClassPlan,
  type DeclaredRule,
  type PlanResult,
  type PropertyPlan,
} from './messages/compiled/metadata.js';
export { matchesMediaType, normalizeMediaType } from './messages/mediaType.js';
export { parseUntrustedJson, type JsonLimits } from './messages/safeJson.js';
export { boundedText } from './messages/boundedText.js';

export { handles, handlesMetadata, type HandledType } from './handlers/handles.js';
export { HandlerRegistry, type BoundHandler } from './handlers/HandlerRegistry.js';
export type { HandlerContext, HandlerFunction, MessageHandler } from './handlers/HandlerContext.js';
export type { HandlerTarget } from './handlers/bindHandlers.js';
export type { RawHandlerFunction, RawMessage } from './handlers/RawMessage.js';
export { rawHandlerModule } from './handlers/rawHandlerModule.js';

export {
  OUTCOME_KINDS,
  actionFor,
  type Outcome,
  type OutcomeKind,
  type TransportAction,
} from './outcomes/Outcome.js';
export { Nack, RejectMessage, SkipMessage } from './outcomes/signals.js';
export { fullJitterDelaySeconds, type BackoffPolicy } from './outcomes/backoff.js';

export { MessageContext } from './pipeline/MessageContext.js';
export { MessagePipeline } from './pipeline/MessagePipeline.js';
export { buildPipeline, type PipelineParts } from './pipeline/buildPipeline.js';
export type { Middleware } from './pipeline/Middleware.js';
export { MEDIA_TYPE_ATTRIBUTES } from './pipeline/stages/DecodeStage.js';

export type {
  ConsumerLag,
  DeadLetterDetails,
  DeadLetterResult,
  OutgoingMessage,
  Transport,
  TransportMessage,
  TransportProducer,
} from './transport/Transport.js';
export { transportProducerToken, type TransportFactory } from './transport/TransportFactory.js';
export {
  DEAD_LETTER_STORE,
  REPLAY_ATTRIBUTES,
  type DeadLetterRecord,
  type DeadLetterStore,
  type ReplayEvent,
  type ReplayFilter,
  type ReplayResult,
  type ReplayRun,
} from './transport/DeadLetterStore.js';
export type { CliFlag, DaemonPlugin } from './plugins/DaemonPlugin.js';
export type { LifecycleHook } from './plugins/LifecycleHook.js';

export { Producer, TTL_KEY, type OutgoingAttributeSource, type ProduceOptions } from './producer/Producer.js';
export { DeferredProducer, type DeferredPublisher } from './producer/DeferredProducer.js';

export { wait } from './timing/wait.js';

export { MemoryBroker } from './memory/MemoryBroker.js';
export { MemoryQueue, type MemoryQueueOptions, type MemoryDelivery } from './memory/MemoryQueue.js';
export { MemoryTransport, DEAD_LETTER_ATTRIBUTES } from './memory/MemoryTransport.js';
export { MemoryProducer } from './memory/MemoryProducer.js';
export { MemoryDeadLetters } from './memory/MemoryDeadLetters.js';
export { MemoryConfig } from './memory/MemoryConfig.js';
export { memoryTransportFactory } from './memory/memoryTransportFactory.js';

export { ConsumerDaemon, type StartOptions } from './daemon/ConsumerDaemon.js';
export { DestinationRouter } from './producer/DestinationRouter.js';
export { RunningDaemon } from './daemon/RunningDaemon.js';
export { ConsumerRunner } from './daemon/ConsumerRunner.js';
export { DaemonStatus } from './daemon/DaemonStatus.js';
export { OutcomeCounter, FINAL_OUTCOMES, type RecordedOutcome } from './daemon/OutcomeCounter.js';
export type { CliOptions } from './daemon/cli.js';

export { TOKENS } from './graph/tokens.js';
export { createLogger, type LogFormat } from './logging/createLogger.js';

export {
  injectable,
  inject,
  multiInject,
  optional,
  ContainerModule,
  Container,
  type ContainerModuleLoadOptions,
  type Newable,
} from 'inversify';
