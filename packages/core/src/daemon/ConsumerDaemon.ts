import { existsSync, readFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { parse as parseDotenv } from 'dotenv';
import type { ContainerModule, Newable } from 'inversify';
import type { Logger } from 'pino';
import { describeConfig, type ConfigKeyReference } from '../config/configReference.js';
import type { ConfigClass } from '../config/configSection.js';
import { ConsumerConfig } from '../config/ConsumerConfig.js';
import { DaemonConfig } from '../config/DaemonConfig.js';
import { loadConfig, type LoadedConfig } from '../config/loadConfig.js';
import { ErrorCodes } from '../errors/codes.js';
import { SwitchyardError } from '../errors/SwitchyardError.js';
import { bindHandlerRegistry, buildContainer } from '../graph/buildContainer.js';
import { resolveOrExplain } from '../graph/resolveOrExplain.js';
import type { HandlerTarget } from '../handlers/bindHandlers.js';
import { HandlerRegistry } from '../handlers/HandlerRegistry.js';
import { createLogger } from '../logging/createLogger.js';
import { MemoryBroker } from '../memory/MemoryBroker.js';
import { MemoryConfig } from '../memory/MemoryConfig.js';
import { memoryTransportFactory } from '../memory/memoryTransportFactory.js';
import type { SchemaClass } from '../messages/schema.js';
import { MessageCodec } from '../messages/MessageCodec.js';
import { MessagePipeline } from '../pipeline/MessagePipeline.js';
import type { Middleware } from '../pipeline/Middleware.js';
import { TOKENS } from '../graph/tokens.js';
import type { CliFlag, DaemonPlugin } from '../plugins/DaemonPlugin.js';
import type { LifecycleHook } from '../plugins/LifecycleHook.js';
import type { Transport } from '../transport/Transport.js';
import type { TransportFactory } from '../transport/TransportFactory.js';
import { buildProgram, flagsByConfigKey, parseCli, type CliOptions } from './cli.js';
import { ConsumerRunner } from './ConsumerRunner.js';
import { DaemonStatus } from './DaemonStatus.js';
import { feedLines, openReplay } from './feedLines.js';
import { OutcomeCounter } from './OutcomeCounter.js';
import { RunningDaemon } from './RunningDaemon.js';
import { selectTransport } from './selectTransport.js';

export interface StartOptions {
  /** Command-line flags, without `node` and the script (default: none). */
  argv?: readonly string[];
  /** Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Loaded after the daemon's own modules: `rebind` anything here (tests). */
  modules?: readonly ContainerModule[];
  /** Use this logger instead of building one from config. */
  logger?: Logger;
}

/**
 * Subclass it, name it, list its handlers, and call `main(process.argv)`:
 *
 *   class SimpleConsumerDaemon extends ConsumerDaemon {
 *     readonly name = 'simple-consumer';
 *     readonly handlers = [SimpleHandler];
 *   }
 *   await new SimpleConsumerDaemon().main(process.argv);
 */
export abstract class ConsumerDaemon {
  /** Names the daemon in logs and the environment prefix (`SIMPLE_CONSUMER__…`). */
  abstract readonly name: string;
  readonly handlers: readonly HandlerTarget[] = [];
  /** Schemas the daemon publishes but does not handle (handled ones are known from `@handles`). */
  readonly schemas: readonly SchemaClass[] = [];
  /** The daemon's own config sections. */
  readonly configSections: readonly ConfigClass[] = [];
  /** Bindings for collaborators (clients, caches, …). */
  readonly modules: readonly ContainerModule[] = [];
  /** Middleware classes, run in this order around each handler (see `buildPipeline`). */
  readonly middleware: readonly Newable<Middleware>[] = [];
  /**
   * Transport packages. The daemon consumes from the one `--transport` names, else the first one
   * the config selects, else the embedded in-memory bus; it may publish to any of them (`sqs:queue`).
   */
  readonly transports: readonly TransportFactory[] = [];
  /** Packages that add config, flags, middleware and lifecycle hooks (Sentry, health and metrics). */
  readonly plugins: readonly DaemonPlugin[] = [];
  /**
   * Plugins a framework's own base class brings (ApiDaemon: the `rpc` section), kept apart from
   * `plugins` so that a user's subclass may set `plugins` without dropping them.
   */
  protected readonly frameworkPlugins: readonly DaemonPlugin[] = [];

  /** Called once the daemon is consuming; override to start companions (e.g. a demo publisher). */
  protected onReady(_daemon: RunningDaemon): void | Promise<void> {}

  /** Builds the graph, validates everything, and starts consuming. Throws (clearly) if it cannot. */
  async start(options: StartOptions = {}): Promise<RunningDaemon> {
    const transports = [...this.transports, memoryTransportFactory];
    const cli = parseCli(this.name, options.argv ?? [], this.#flags());
    const config = this.#loadConfig(cli, options.env ?? process.env);
    const replaying = cli.replay !== undefined || cli.stdin;
    const transport = replaying ? memoryTransportFactory : selectTransport(transports, config);
    const { logLevel, logFormat } = config.get(DaemonConfig);
    const logger = options.logger ?? createLogger(this.name, logLevel, logFormat);
    logger.debug({ config: config.describe() }, 'config loaded');
    const container = buildContainer({
      daemonName: this.name,
      config,
      logger,
      handlers: this.handlers,
      schemas: this.schemas,
      middleware: this.middleware,
      transport,
      otherTransports: transports.filter((other) => other !== transport),
      plugins: this.plugins,
      modules: [...this.modules, ...(options.modules ?? [])],
    });
    bindHandlerRegistry(container, this.handlers);
    // One by one, so a missing dependency names the middleware rather than the runner built on it.
    for (const middleware of this.middleware)
      resolveOrExplain(container, middleware, 'the daemon (middleware)');
    const runner = resolveOrExplain(container, ConsumerRunner, this.name);
    for (const handler of container.get(HandlerRegistry).all) {
      logger.info(
        { mediaType: handler.mediaType, handler: handler.name },
        `handling ${handler.mediaType} with ${handler.name}`,
      );
    }
    for (const { schema, mediaType, compiled, reason } of container.get(MessageCodec).compilation) {
      logger.info(
        { schema, mediaType, validation: compiled ? 'compiled' : 'class-validator', reason },
        compiled
          ? `schema ${schema}: compiled validation`
          : `schema ${schema}: validated by class-validator (${reason ?? 'not compiled'})`,
      );
    }
    logger.info({ transport: transport.name, stages: container.get(MessagePipeline).names }, 'starting');
    const running = new RunningDaemon(
      this.name,
      container,
      cli,
      logger,
      container.get(OutcomeCounter),
      container.get(DaemonStatus),
      runner,
    );
    await startTransport(container.get<Transport>(TOKENS.Transport), transport.name);
    // Hooks first (Sentry, health): the first message must already be reported and observed.
    await running.startHooks(container.getAll<LifecycleHook>(TOKENS.LifecycleHook, { optional: true }));
    runner.start();
    if (cli.count !== undefined) void running.finished(cli.count).then(() => running.stop());
    if (replaying) this.#replay(running, config, cli);
    await this.onReady(running);
    return running;
  }

  /**
   * Runs until SIGTERM/SIGINT (or `--count`, or the end of `--replay`/`--stdin`), then prints the
   * summary. Sets `process.exitCode`: 0 after a clean stop, 1 on a fatal error (at start-up or
   * `RunningDaemon.fail` later, with one line on stderr), 2 on bad usage.
   */
  async main(argv: readonly string[] = process.argv): Promise<void> {
    let running: RunningDaemon;
    try {
      running = await this.start({ argv: argv.slice(2) });
    } catch (error) {
      process.exitCode = reportStartFailure(this.name, error);
      return;
    }
    const stop = (signal: string): void => {
      running.logger.info({ signal }, 'signal received: shutting down');
      void running.stop();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    const interval = running.container.get(DaemonConfig).progressIntervalMs;
    const progress =
      interval > 0
        ? setInterval(() => running.logger.info(running.counter.snapshot(), 'progress'), interval)
        : undefined;
    await running.stopped;
    clearInterval(progress);
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await running.writeSummary();
    if (running.failure !== undefined) process.stderr.write(`${this.name}: fatal: ${running.failure}\n`);
    process.exitCode = running.failure === undefined ? 0 : 1;
    // Everything is drained, acked and closed by now; a client library's stray socket or timer must
    // not keep a stopped daemon alive (an orchestrator would SIGKILL it, and count a failure).
    setTimeout(() => {
      running.logger.warn('handles still open two seconds after a clean stop; exiting anyway');
      process.exit();
    }, 2000).unref();
  }

  /** The daemon's command line, as `--help` prints it (docs/reference/cli.md is generated from it). */
  cliProgram(): Command {
    return buildProgram(this.name, this.#flags());
  }

  /** Every config key the daemon reads, with its type, default, variable and flags (docs/reference/config.md). */
  configReference(): ConfigKeyReference[] {
    return describeConfig(this.name, this.#configClasses(), flagsByConfigKey(this.#flags()));
  }

  /** Transports (the embedded bus last) and plugins: each brings config sections and flags. */
  #extensions(): DaemonPlugin[] {
    return [...this.transports, memoryTransportFactory, ...this.frameworkPlugins, ...this.plugins];
  }

  #flags(): CliFlag[] {
    return this.#extensions().flatMap((extension) => extension.flags);
  }

  #configClasses(): ConfigClass[] {
    return [
      DaemonConfig,
      ConsumerConfig,
      ...this.configSections,
      ...this.#extensions().flatMap((extension) => extension.configSections),
    ];
  }

  #loadConfig(cli: CliOptions, env: Record<string, string | undefined>): LoadedConfig {
    const sections = this.#configClasses();
    // The default .env is optional; a file the user named is not, or a typo would pass unnoticed.
    if (cli.envFile !== undefined && !existsSync(cli.envFile.path))
      throw new SwitchyardError(
        ErrorCodes.CONFIG_INVALID,
        `${cli.envFile.flag} ${cli.envFile.path}: no such file`,
      );
    const path = cli.envFile?.path ?? '.env';
    const dotenv = existsSync(path) ? parseDotenv(readFileSync(path)) : {};
    return loadConfig(sections, { daemonName: this.name, env, dotenv, cli: cli.config });
  }

  #replay(running: RunningDaemon, config: LoadedConfig, cli: CliOptions): void {
    const queue = running.container.get(MemoryBroker).queue(config.get(MemoryConfig).queue || this.name);
    const input = openReplay(cli.replay) ?? process.stdin;
    const maxQueued = config.get(ConsumerConfig).concurrency * 4;
    void feedLines(input, queue, maxQueued)
      .then(async (count) => {
        running.logger.info({ count }, 'input ended; stopping once every message has its outcome');
        while (queue.size > 0 && !running.status.draining)
          await new Promise((resolve) => setTimeout(resolve, 20));
      })
      .then(
        () => running.stop(),
        (error: unknown) => running.fail('cannot read the input', error),
      );
  }
}

/** One clear line on stderr; the exit code says whether it was usage (2) or anything else (1). */
function reportStartFailure(name: string, error: unknown): number {
  if (error instanceof CommanderError)
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${name}: cannot start: ${message}\n`);
  return 1;
}

/** The transport's own start-up check, with its name in the error when it fails. */
async function startTransport(transport: Transport, name: string): Promise<void> {
  try {
    await transport.start?.();
  } catch (error) {
    await transport.close().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`the ${name} transport could not start: ${message}`, { cause: error });
  }
}
