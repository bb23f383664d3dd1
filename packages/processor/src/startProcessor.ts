import type { ProcessorConfig } from './config/ProcessorConfig.js';
import { loadProcessorConfig, type LoadOptions } from './config/loadProcessorConfig.js';
import { resolveHandlerFile } from './handler/resolveHandlerFile.js';
import { installDependencies, type InstallResult } from './install/installDependencies.js';
import { ProcessorDaemon } from './ProcessorDaemon.js';
import { WorkerPool } from './pool/WorkerPool.js';
import { daemonSettings } from './source/daemonSettings.js';

export interface PreparedProcessor {
  readonly config: ProcessorConfig;
  readonly daemon: ProcessorDaemon;
  readonly pool: WorkerPool;
  readonly install: InstallResult;
  /** The daemon's command line: the source's settings, then the `--set`s for the daemon, then `extraArgv`. */
  readonly argv: readonly string[];
}

export interface PrepareOptions extends LoadOptions {
  /** Further daemon flags (`--count 5`, `--healthcheck-port 9090`), after the config's. */
  readonly extraArgv?: readonly string[];
}

/**
 * Everything before the daemon starts: config.yaml validated, the handler found, its dependencies
 * installed, the workers up with the handler loaded in one (so a handler that cannot load, or
 * exports no handleEvent, stops the start here). Start the daemon with `daemon.start({ argv })`
 * or `daemon.main(...)`; the pool is closed when the daemon stops (or call `pool.close()` if it
 * never started).
 */
export async function prepareProcessor(
  file: string,
  options: PrepareOptions = {},
): Promise<PreparedProcessor> {
  const loaded = loadProcessorConfig(file, options);
  const { daemonSets } = loaded;
  const { processor } = loaded.config;
  const handlerFile = resolveHandlerFile(processor.handlerPath, processor.moduleName);
  const install = await installDependencies(processor.handlerPath, options.env ?? process.env);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env ?? process.env))
    if (value !== undefined) env[name] = value;
  for (const { name, value } of processor.env) env[name] = value;
  const pool = new WorkerPool({
    handlerFile,
    workers: processor.workers,
    concurrency: processor.concurrency === 0 ? 'auto' : processor.concurrency,
    runtime: processor.runtime,
    env,
    timeoutMs: processor.timeoutMs,
    maxMemoryMb: processor.maxMemoryMb,
  });
  try {
    const exports = await pool.probe();
    if (!exports.includes('handleEvent'))
      throw new Error(
        `${handlerFile} exports no handleEvent (it exports: ${exports.join(', ') || 'nothing'}); fix: export async function handleEvent(context, data) { … }`,
      );
  } catch (error) {
    await pool.close();
    throw new Error(`the handler ${handlerFile} cannot be used: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const config = settled(loaded.config, pool.concurrency);
  const argv = [
    ...[...daemonSettings(config), ...daemonSets].flatMap((setting) => ['--set', setting]),
    ...(options.extraArgv ?? []),
  ];
  return { config, daemon: new ProcessorDaemon(config, pool), pool, install, argv };
}

/** The config with the concurrency the pool settled on, and the queue size that follows from it. */
function settled(config: ProcessorConfig, concurrency: number): ProcessorConfig {
  const { processor } = config;
  const queueSize = processor.queueSize || 2 * processor.workers * concurrency;
  return { ...config, processor: { ...processor, concurrency, queueSize } };
}

/** `switchyard process --install-only`: validates the config and installs the handler's dependencies. */
export async function installOnly(file: string, options: LoadOptions = {}): Promise<InstallResult> {
  const { config } = loadProcessorConfig(file, options);
  resolveHandlerFile(config.processor.handlerPath, config.processor.moduleName);
  // At build time the install is what was asked for, whatever SWITCHYARD_DISABLE_NPM says.
  const env = { ...(options.env ?? process.env), SWITCHYARD_DISABLE_NPM: 'false' };
  return installDependencies(config.processor.handlerPath, env);
}
