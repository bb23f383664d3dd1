import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerModule, MemoryBroker, type RunningDaemon } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { sqsTransportFactory } from '@switchyard/sqs';
import { routingDaemon, stopMetadata, StopStats } from '@switchyard/routing';
import { ContactCache, InMemoryContactCache, WhitelistFile } from './collaborators.js';
import { writeWhitelistFile } from './demoData.js';
import { flagsPerStop, MEMORY_ONLY, type DemoBuses } from './busFlags.js';
import { BusDriverStop, ContactPointStop, LogStop, WhitelistStop } from './stops.js';

export const STOPS = [BusDriverStop, ContactPointStop, WhitelistStop, LogStop];
export const STOP_NAMES = STOPS.map((stopClass) => stopMetadata(stopClass).name);

export interface StopSummary {
  stop: string;
  received: number;
  forwarded: number;
  dropped: number;
  /** Delivered (the route ended here). */
  ended: number;
  failed: number;
}

/** The four stops, each its own daemon as they would be in production, on one bus. */
export class DemoPipeline {
  private constructor(
    readonly daemons: RunningDaemon[],
    private readonly cache: ContactCache,
  ) {}

  /**
   * On the embedded bus by default; on Kafka or SQS each stop consumes the topic or queue named after
   * it; with placements, stops on different buses forward to each other across them.
   */
  static async start(
    argv: readonly string[],
    buses: DemoBuses = MEMORY_ONLY,
    cache: ContactCache = new InMemoryContactCache(),
  ): Promise<DemoPipeline> {
    const broker = new MemoryBroker({ visibilityTimeoutSeconds: 30 });
    const whitelist = new WhitelistFile(writeWhitelistFile(join(tmpdir(), `switchyard-demo-${process.pid}`)));
    const shared = new ContainerModule(({ bind, rebind }) => {
      rebind(MemoryBroker).toConstantValue(broker);
      bind(WhitelistFile).toConstantValue(whitelist);
      bind(ContactCache).toConstantValue(cache);
    });
    const names = STOP_NAMES;
    const busFlags = await flagsPerStop(buses, names);
    const transports = [kafkaTransportFactory, sqsTransportFactory];
    const daemons = await Promise.all(
      STOPS.map((stopClass, index) => {
        const daemon = routingDaemon(stopClass, { modules: [shared], transports });
        return daemon.start({ argv: [...argv, ...(busFlags.get(names[index]!) ?? [])] });
      }),
    );
    return new DemoPipeline(daemons, cache);
  }

  get source(): RunningDaemon {
    return this.daemons[0]!;
  }

  summaries(): StopSummary[] {
    return this.daemons.map((daemon) => {
      const stats = daemon.container.get(StopStats);
      const failed = daemon.counter.get('failed') + daemon.counter.get('dead-lettered');
      return {
        stop: daemon.name,
        received: stats.received,
        forwarded: stats.forwarded,
        dropped: stats.dropped,
        ended: stats.ended,
        failed,
      };
    });
  }

  /** Messages whose journey is over: dropped somewhere, delivered, or dead-lettered. */
  finished(): number {
    return this.daemons.reduce(
      (total, daemon) =>
        total +
        daemon.container.get(StopStats).dropped +
        daemon.container.get(StopStats).ended +
        daemon.counter.get('dead-lettered'),
      0,
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.daemons.map((daemon) => daemon.stop()));
    await this.cache.close();
  }
}
