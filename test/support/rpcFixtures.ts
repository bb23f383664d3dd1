// The example API of the RPC conformance suite, made anew for each test under a name of its own,
// so tests on a shared broker never see each other's queued calls or events.
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { inject, injectable, schema } from '@switchyard/core';
import { api, Bus, event, rpc, type ApiEvent, type CallContext } from '@switchyard/rpc';

@schema('application/vnd.test.rpc-conformance.hello')
export class HelloParams {
  @IsString() @Length(1, 20) name!: string;
}

@schema('application/vnd.test.rpc-conformance.greeting')
export class Greeting {
  @IsString() greeting!: string;
}

@schema('application/vnd.test.rpc-conformance.empty')
export class Empty {
  @IsOptional() @IsString() note?: string;
}

@schema('application/vnd.test.rpc-conformance.deadline')
export class DeadlineSeen {
  @IsInt() @Min(0) deadline!: number;
  @IsInt() @Min(0) parentDeadline!: number;
}

@schema('application/vnd.test.rpc-conformance.user-registered')
export class UserRegistered {
  @IsString() @Length(1, 40) userId!: string;
}

@schema('application/vnd.test.rpc-conformance.hello-loose')
export class LooseHelloParams {
  @IsString() name!: string;
}

/** What the served methods did, for the tests to check; `closeGate` makes `block` wait. */
export class ServedRecord {
  counted = 0;
  tallied = 0;
  inFlight = 0;
  maxInFlight = 0;
  #gate: Promise<void> = Promise.resolve();
  release: () => void = () => undefined;

  closeGate(): void {
    this.#gate = new Promise((resolve) => (this.release = resolve));
  }

  get gate(): Promise<void> {
    return this.#gate;
  }
}

/** The example API named `name`, an older client's view of it, and an API nobody serves. */
export function exampleApis(name: string) {
  const served = new ServedRecord();

  @api(name)
  @injectable()
  class ExampleApi {
    // Public: the type of a class made in a function cannot have private members.
    constructor(@inject(Bus) readonly bus: Bus) {}

    @rpc({ returns: Greeting })
    async helloWorld(params: HelloParams): Promise<Greeting> {
      return { greeting: `hello ${params.name}` };
    }

    @rpc()
    async fail(_params: Empty): Promise<void> {
      throw Object.assign(new TypeError('the printer is on fire'), { code: 'E_PRINTER' });
    }

    @rpc({ returns: Greeting })
    async badResult(_params: Empty): Promise<Greeting> {
      return { greeting: 42 } as unknown as Greeting;
    }

    /** Counts its runs: a call that must never start leaves it at 0. */
    @rpc()
    async count(_params: Empty): Promise<void> {
      served.counted += 1;
    }

    /** Waits at the gate, tracking how many run at once. */
    @rpc()
    async block(_params: Empty): Promise<void> {
      served.inFlight += 1;
      served.maxInFlight = Math.max(served.maxInFlight, served.inFlight);
      await served.gate;
      served.inFlight -= 1;
    }

    /** Idempotent: answers with its run's number, so an answer sent again shows which run it came from. */
    @rpc({ idempotent: true, returns: Greeting })
    async tally(_params: Empty): Promise<Greeting> {
      served.tallied += 1;
      const run = served.tallied;
      await served.gate;
      return { greeting: `run ${run}` };
    }

    /** Calls this API once more through the daemon's bus, with no deadline of its own. */
    @rpc({ returns: DeadlineSeen })
    async nested(_params: Empty, call: CallContext): Promise<DeadlineSeen> {
      const inner = await this.bus.api(ExampleApi).deadlineOf({});
      return { deadline: inner.deadline, parentDeadline: call.deadline };
    }

    @rpc({ returns: DeadlineSeen })
    async deadlineOf(_params: Empty, call: CallContext): Promise<DeadlineSeen> {
      return { deadline: call.deadline, parentDeadline: 0 };
    }

    @event(UserRegistered) readonly userRegistered!: ApiEvent<UserRegistered>;
  }

  /** A client of another version: a looser parameter schema and a method the server lacks. */
  @api(name)
  class ExampleApiOtherVersion {
    @rpc({ returns: Greeting })
    async helloWorld(_params: LooseHelloParams): Promise<Greeting> {
      throw new Error('client side only');
    }

    @rpc()
    async newer(_params: Empty): Promise<void> {}
  }

  @api(`${name}-nobody`)
  class UnservedApi {
    @rpc()
    async ping(_params: Empty): Promise<void> {}
  }

  return { ExampleApi, ExampleApiOtherVersion, UnservedApi, served };
}
