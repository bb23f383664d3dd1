import { readFileSync } from 'node:fs';
import { inject, injectable, TOKENS } from '@switchyard/core';
import {
  busdriver,
  stop,
  type BusDriver,
  type PlannedRoute,
  type Stop,
  type StopContext,
} from '@switchyard/routing';
import type { Logger } from 'pino';
import { AccountRecord } from './AccountRecord.js';
import { ContactCache, WhitelistFile } from './collaborators.js';

type Payload = Record<string, unknown>;

/** The smart router: every record visits contactpoint, whitelist and logstop; business accounts are tagged first. */
@busdriver('source', AccountRecord)
@injectable()
export class BusDriverStop implements BusDriver<AccountRecord> {
  route(record: AccountRecord): PlannedRoute {
    const payload = { ...record, priority: record.type === 'business' ? 'high' : 'normal' };
    return { route: ['contactpoint', 'whitelist', 'logstop'], payload };
  }
}

/** Adds the e-mail address from the contact cache; drops records without one. */
@stop('contactpoint')
@injectable()
export class ContactPointStop implements Stop {
  constructor(@inject(ContactCache) private readonly cache: ContactCache) {}

  async handle(payload: Payload): Promise<Payload | undefined> {
    const email = await this.cache.emailFor(String(payload.account));
    return email === undefined ? undefined : { ...payload, email };
  }
}

/** Keeps only whitelisted addresses; the set is loaded once, at start, from the data file. */
@stop('whitelist')
@injectable()
export class WhitelistStop implements Stop {
  readonly #allowed: Set<string>;

  constructor(@inject(WhitelistFile) file: WhitelistFile) {
    this.#allowed = new Set(readFileSync(file.path, 'utf8').split('\n').filter(Boolean));
  }

  handle(payload: Payload): Payload | undefined {
    return this.#allowed.has(String(payload.email)) ? { ...payload, whitelisted: true } : undefined;
  }
}

/** The sink: logs the result (a real service would send the e-mail here). */
@stop('logstop')
@injectable()
export class LogStop implements Stop {
  constructor(@inject(TOKENS.Logger) private readonly logger: Logger) {}

  handle(payload: Payload, context: StopContext): Payload {
    this.logger.debug({ payload, history: context.history.map((entry) => entry.stop) }, 'delivered');
    return payload;
  }
}
