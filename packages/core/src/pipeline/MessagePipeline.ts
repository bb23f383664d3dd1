import type { Outcome } from '../outcomes/Outcome.js';
import type { CoreStep } from './CoreStep.js';
import type { MessageContext } from './MessageContext.js';
import type { Middleware } from './Middleware.js';
import type { ClassifyErrorsStage } from './stages/ClassifyErrorsStage.js';
import type { InvokeHandlerStage } from './stages/InvokeHandlerStage.js';
import type { LogOutcomeStage } from './stages/LogOutcomeStage.js';
import type { ValidateStage } from './stages/ValidateStage.js';

export interface PipelineStages {
  readonly logOutcome: LogOutcomeStage;
  readonly classifyErrors: ClassifyErrorsStage;
  readonly middleware: readonly Middleware[];
  /** decode, check-ttl, dispatch: synchronous, each may end the message with an outcome. */
  readonly steps: readonly CoreStep[];
  readonly validate: ValidateStage;
  readonly invokeHandler: InvokeHandlerStage;
}

type Pending = Outcome | Promise<Outcome>;

/**
 * Runs a message through the user's middleware and the built-in steps, and returns its outcome.
 * The built-in steps are plain calls: without user middleware, a message whose handler and schema
 * are synchronous settles without a promise, and an async handler costs one await here.
 */
export class MessagePipeline {
  constructor(readonly stages: PipelineStages) {}

  run(context: MessageContext): Pending {
    // Without middleware the steps run directly: #finishLater classifies a rejection itself, so
    // no promise is added to turn it into an outcome first.
    let result: Pending;
    try {
      result = this.stages.middleware.length === 0 ? this.#steps(context) : this.#middleware(context, 0);
    } catch (error) {
      result = this.stages.classifyErrors.outcomeFor(context, error);
    }
    return this.#finish(context, result);
  }

  /** Stage names in order, for the start-up log and docs. */
  get names(): string[] {
    const { logOutcome, classifyErrors, middleware, steps, validate, invokeHandler } = this.stages;
    return [
      logOutcome.name,
      classifyErrors.name,
      ...middleware.map((stage) => stage.name),
      classifyErrors.name,
      ...steps.map((step) => step.name),
      validate.name,
      invokeHandler.name,
    ];
  }

  #middleware(context: MessageContext, index: number): Promise<Outcome> {
    const stage = this.stages.middleware[index];
    if (stage === undefined) return Promise.resolve(this.#core(context));
    return stage.handle(context, () => this.#middleware(context, index + 1));
  }

  /** The built-in steps under middleware, with what they throw turned into an outcome (middleware sees outcomes). */
  #core(context: MessageContext): Pending {
    let result: Pending;
    try {
      result = this.#steps(context);
    } catch (error) {
      return this.stages.classifyErrors.outcomeFor(context, error);
    }
    if (!(result instanceof Promise)) return result;
    return result.catch((error: unknown) => this.stages.classifyErrors.outcomeFor(context, error));
  }

  #steps(context: MessageContext): Pending {
    for (const step of this.stages.steps) {
      const outcome = step.apply(context);
      if (outcome !== undefined) return outcome;
    }
    const validated = this.stages.validate.apply(context);
    if (validated === undefined) return this.stages.invokeHandler.apply(context);
    return validated.then(() => this.stages.invokeHandler.apply(context));
  }

  #finish(context: MessageContext, result: Pending): Pending {
    if (!(result instanceof Promise)) {
      this.stages.logOutcome.log(context, result);
      return result;
    }
    return this.#finishLater(context, result);
  }

  async #finishLater(context: MessageContext, result: Promise<Outcome>): Promise<Outcome> {
    let outcome: Outcome;
    try {
      outcome = await result;
    } catch (error) {
      // What a step or a middleware threw: classified like a handler's failure, never dropped.
      outcome = this.stages.classifyErrors.outcomeFor(context, error);
    }
    this.stages.logOutcome.log(context, outcome);
    return outcome;
  }

  /** Drops the pending handler timeouts (the daemon has stopped). */
  close(): void {
    this.stages.invokeHandler.close();
  }
}
