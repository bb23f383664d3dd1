import type { TestProject } from 'vitest/node';
import { haveNatsServer, useNats } from '../servers/nats.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The suite's NATS server (`host:port`), or '' when there is none (suites then skip loudly). */
    natsServers: string;
    /** Whether `nats-server` can be started here (the restart tests start their own). */
    natsServerBinary: boolean;
  }
}

/**
 * The machine's NATS server on 127.0.0.1:4222 when it answers with JetStream, else one started
 * here; tests make their own streams and consumers with unique names and delete them.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const nats = await useNats('nats');
  project.provide('natsServers', nats?.servers ?? '');
  project.provide('natsServerBinary', nats === undefined ? false : nats.owned || haveNatsServer('nats'));
  return async () => {
    await nats?.stop();
  };
}
