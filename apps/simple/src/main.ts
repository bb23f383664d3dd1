import 'reflect-metadata';
import type { RunningDaemon } from '@switchyard/core';
import { publishSimpleMessages } from './publishSimpleMessages.js';
import { SimpleConsumerDaemon } from './SimpleConsumerDaemon.js';

/**
 * `npm run start:simple`: the simple daemon on the embedded bus with a publisher beside it. With
 * `--count N` it publishes N messages, prints the summary once all N have their outcome, and exits 0.
 * A publisher that fails stops the daemon with exit code 1: its summary would otherwise look finished.
 */
class DemoDaemon extends SimpleConsumerDaemon {
  protected override onReady(daemon: RunningDaemon): void {
    if (daemon.options.replay !== undefined || daemon.options.stdin) return; // the input is the publisher
    const stopPublishing = new AbortController();
    void daemon.stopped.then(() => stopPublishing.abort());
    void publishSimpleMessages(daemon.producer, daemon.options.count, stopPublishing.signal).catch(
      (error: unknown) => daemon.fail('publisher failed', error),
    );
  }
}

await new DemoDaemon().main(process.argv);
