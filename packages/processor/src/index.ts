export {
  prepareProcessor,
  installOnly,
  type PreparedProcessor,
  type PrepareOptions,
} from './startProcessor.js';
export { ProcessorDaemon } from './ProcessorDaemon.js';
export {
  loadProcessorConfig,
  type LoadOptions,
  type LoadedProcessorConfig,
} from './config/loadProcessorConfig.js';
export { CONFIG_SCHEMA } from './config/configSchema.js';
export { ConfigError } from './config/ConfigError.js';
export type { ProcessorConfig, SinkConfig, SourceConfig } from './config/ProcessorConfig.js';
export { WorkerPool, WorkerCrash, type WorkerPoolOptions, type WorkerRuntime } from './pool/WorkerPool.js';
export type { WorkerOutput, WorkerReply, WorkerTask } from './pool/protocol.js';
export type { WorkerContext, WorkerLogger } from './handler/WorkerContext.js';
export { installDependencies, type InstallResult } from './install/installDependencies.js';
export { HttpSource, type HttpSourceOptions } from './http/HttpSource.js';
export { HttpSink } from './sink/HttpSink.js';
