import 'reflect-metadata';
import { schema } from '@switchyard/core';
import { api, event, rpc, RpcErrorCodes, wireAddresses, type ApiEvent } from '@switchyard/rpc';
import { describe, expect, it } from 'vitest';

@schema('application/vnd.test.names.ping')
class Ping {}

const usage = (declare: () => void): string | undefined => {
  try {
    declare();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('API, method, event and listener names', () => {
  it('a method or event name with a "-" is refused at declaration (an API name may hold one)', () => {
    expect(
      usage(() => {
        class Dashed {
          async 'pay-now'(_params: Ping): Promise<void> {}
        }
        const descriptor = Object.getOwnPropertyDescriptor(Dashed.prototype, 'pay-now')!;
        Reflect.defineMetadata('design:paramtypes', [Ping], Dashed.prototype, 'pay-now');
        rpc()(Dashed.prototype, 'pay-now', descriptor);
      }),
    ).toBe(RpcErrorCodes.USAGE);
    expect(
      usage(() => {
        const target = {} as { 'was-paid': ApiEvent<Ping> };
        event(Ping)(target, 'was-paid');
      }),
    ).toBe(RpcErrorCodes.USAGE);
    expect(usage(() => api('billing-v2')(class BillingV2 {}))).toBeUndefined();
  });

  it("no two (api, event, listener) share a listener's queue or durable on SQS and NATS", () => {
    // Each a '-' in a different place: joined with '-' throughout, all four would be one name.
    const triples: Array<[string, string, string]> = [
      ['a', 'b', 'c-d'],
      ['a-b', 'c', 'd'],
      ['a', 'bc', 'd'],
      ['a-b', 'c', 'd-e'],
      ['a', 'b', 'c-d-e'],
    ];
    for (const wire of ['sqs', 'nats'] as const) {
      const names = triples.map(([apiName, eventName, listener]) =>
        wireAddresses[wire].listener(apiName, eventName, listener),
      );
      expect(new Set(names).size, `${wire}: ${names.join(' ')}`).toBe(triples.length);
    }
  });
});
