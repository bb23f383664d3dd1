import type { ConsumerConfig } from '../config/ConsumerConfig.js';
import type { HandlerRegistry } from '../handlers/HandlerRegistry.js';
import type { MessageCodec } from '../messages/MessageCodec.js';
import type { Producer } from '../producer/Producer.js';
import { MessagePipeline } from './MessagePipeline.js';
import type { CoreStep } from './CoreStep.js';
import type { Middleware } from './Middleware.js';
import { CheckTtlStage } from './stages/CheckTtlStage.js';
import { ClassifyErrorsStage } from './stages/ClassifyErrorsStage.js';
import { DecodeStage } from './stages/DecodeStage.js';
import { DispatchStage } from './stages/DispatchStage.js';
import { InvokeHandlerStage } from './stages/InvokeHandlerStage.js';
import { LogOutcomeStage } from './stages/LogOutcomeStage.js';
import { ValidateStage } from './stages/ValidateStage.js';

export interface PipelineParts {
  config: ConsumerConfig;
  codec: MessageCodec;
  handlers: HandlerRegistry;
  producer: Producer;
  middleware: readonly Middleware[];
  /** Replaces decode, check-ttl and dispatch (a raw-bytes handler's `RawMessageStage`). */
  steps?: readonly CoreStep[];
}

/**
 * The order every message goes through:
 *
 *   log-outcome → classify-errors → [user middleware…] → classify-errors → decode → check-ttl
 *     → dispatch → validate → invoke-handler
 *
 * User middleware sees the decoded media type, the handler and the final outcome (with its error)
 * after `next()`. The outer classify-errors turns a throwing middleware into a retry. Everything
 * after the user's middleware is plain synchronous code up to the handler.
 */
export function buildPipeline(parts: PipelineParts): MessagePipeline {
  const { config } = parts;
  return new MessagePipeline({
    logOutcome: new LogOutcomeStage(),
    classifyErrors: new ClassifyErrorsStage(config.maxAttempts, {
      baseSeconds: config.backoffBaseSeconds,
      maxSeconds: config.backoffMaxSeconds,
    }),
    middleware: parts.middleware,
    steps: parts.steps ?? [
      new DecodeStage(
        { maxBytes: config.maxBodyBytes, maxDepth: config.maxDepth, maxKeys: config.maxKeys },
        config.opaqueDataKeys,
      ),
      new CheckTtlStage(),
      new DispatchStage(parts.handlers, config.unhandled),
    ],
    validate: new ValidateStage(parts.codec),
    invokeHandler: new InvokeHandlerStage(parts.producer, config.handlerTimeoutMs),
  });
}
