import {
  ConsumerDaemon,
  ContainerModule,
  TOKENS,
  type DaemonPlugin,
  type RunningDaemon,
  type StartOptions,
} from '@switchyard/core';
import { RpcConfig } from '../config/RpcConfig.js';
import type { ApiClass } from '../api/decorators.js';
import { DEFAULT_DEADLINE_MS, type Bus } from '../bus/Bus.js';
import { RpcErrorCodes, rpcError } from '../errors.js';
import { ApiLanes } from './ApiLanes.js';

/**
 * A daemon that serves bus APIs and may listen to events, besides its own handlers:
 *
 *   class ExampleDaemon extends ApiDaemon {
 *     readonly name = 'example';
 *     override readonly apis = [ExampleApi];
 *   }
 */
/** The `rpc` config section (idempotency store) of every API daemon. */
const rpcPlugin: DaemonPlugin = {
  name: 'rpc',
  configSections: [RpcConfig],
  flags: [],
  module: () => new ContainerModule(() => undefined),
};

export abstract class ApiDaemon extends ConsumerDaemon {
  protected override readonly frameworkPlugins = [rpcPlugin];
  /** The APIs this daemon serves (their calls) and owns (their events). */
  readonly apis: readonly ApiClass[] = [];
  /** Deadline of a call that names none. */
  readonly defaultDeadlineMs: number = DEFAULT_DEADLINE_MS;
  /** Send a failed method's stack to its caller (default: no, it stays in this daemon's log). */
  readonly exposeStacks: boolean = false;
  #lanes: ApiLanes | undefined;

  /** Calls, fires and listens on behalf of this daemon; available from `onReady` on. */
  get bus(): Bus {
    if (this.#lanes === undefined)
      throw rpcError(RpcErrorCodes.USAGE, `${this.name}: the bus exists once the daemon has started`);
    return this.#lanes.bus;
  }

  override start(options: StartOptions = {}): Promise<RunningDaemon> {
    const apiNames = new Set<ApiClass>();
    for (const api of this.apis) {
      if (apiNames.has(api))
        throw rpcError(RpcErrorCodes.USAGE, `${this.name}: ${api.name} is listed twice in apis`);
      apiNames.add(api);
    }
    const lanes = new ApiLanes({
      apis: this.apis,
      defaultDeadlineMs: this.defaultDeadlineMs,
      exposeStacks: this.exposeStacks,
    });
    this.#lanes = lanes;
    const module = new ContainerModule(({ bind }) => {
      bind(TOKENS.LifecycleHook).toConstantValue(lanes);
    });
    return super.start({ ...options, modules: [module, ...(options.modules ?? [])] });
  }
}
