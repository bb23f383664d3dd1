import type { Outcome } from '../outcomes/Outcome.js';
import type { MessageContext } from './MessageContext.js';
import type { Middleware } from './Middleware.js';

/** Runs a message through an ordered chain of middleware; the last one must return an outcome. */
export class MessagePipeline {
  constructor(readonly stages: readonly Middleware[]) {}

  run(context: MessageContext): Promise<Outcome> {
    const step = (index: number): Promise<Outcome> => {
      const stage = this.stages[index];
      if (stage === undefined) return Promise.reject(new Error('the pipeline ended without an outcome'));
      return stage.handle(context, () => step(index + 1));
    };
    return step(0);
  }

  /** Stage names in order, for the start-up log and docs. */
  get names(): string[] {
    return this.stages.map((stage) => stage.name);
  }
}
