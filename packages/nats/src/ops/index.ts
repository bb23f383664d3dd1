export { connectNats, checkStream, streamOf, type OpsNats } from './opsNats.js';
export {
  NatsDeadLetterStream,
  type NatsDeadLetterList,
  type NatsReplayEvent,
  type NatsReplayOptions,
  type NatsReplayResult,
  type NatsReplaySkip,
} from './NatsDeadLetterStream.js';
export { tailStream, type TailOptions as NatsTailOptions } from './tailStream.js';
export { consumerLag, type ConsumerLag } from './consumerLag.js';
export { NATS_DEAD_LETTER_ONLY, type NatsDeadLetter, type NatsOpsMessage } from './natsRecord.js';
