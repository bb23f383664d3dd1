import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { injectable } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { routingDaemon, RoutingConfig, stop, type Stop } from '../src/index.js';

const config = (stopTransports: string[]): RoutingConfig =>
  plainToInstance(RoutingConfig, { stopTransports });

@stop('test-quiet')
@injectable()
class Quiet implements Stop {
  handle(payload: Record<string, unknown>): Record<string, unknown> {
    return payload;
  }
}

describe('routing.stopTransports: stops on another bus', () => {
  it('qualifies a forward to a stop placed on another transport, and leaves the rest as named', () => {
    const placed = config(['whitelist=sqs', 'logstop=memory']);
    expect(placed.destinationOf('whitelist')).toBe('sqs:whitelist');
    expect(placed.destinationOf('logstop')).toBe('memory:logstop');
    expect(placed.destinationOf('contactpoint')).toBe('contactpoint');
    expect(placed.destinationOf('kafka:contactpoint')).toBe('kafka:contactpoint');
  });

  it('a malformed entry stops the start, naming the key', async () => {
    const daemon = routingDaemon(Quiet);
    await expect(
      daemon.start({ argv: ['--set', 'routing.stopTransports=whitelist:sqs'], env: {} }),
    ).rejects.toThrow(/routing\.stopTransports.*each entry must be stop=transport/);
  });
});
