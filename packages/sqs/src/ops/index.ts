export { createOpsSqsClient, sqsFailure, type SqsEndpoint } from './opsClient.js';
export { readQueueState, type SqsQueueState } from './queueState.js';
export {
  SqsDeadLetterQueue,
  type SqsReplayEvent,
  type SqsReplayOptions,
  type SqsReplayResult,
  type SqsReplaySkip,
} from './SqsDeadLetterQueue.js';
export { peekQueue } from './peekQueue.js';
export { oldestOfSample } from './oldestMessage.js';
export { SQS_DEAD_LETTER_ONLY, type SqsDeadLetter, type SqsOpsMessage } from './sqsRecord.js';
