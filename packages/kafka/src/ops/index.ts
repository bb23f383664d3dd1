export { connectKafka, checkTopic, topicOffsets, type OpsKafka } from './opsKafka.js';
export {
  KafkaDeadLetterTopic,
  type KafkaDeadLetterList,
  type KafkaReplayEvent,
  type KafkaReplayOptions,
  type KafkaReplayResult,
  type KafkaReplaySkip,
} from './KafkaDeadLetterTopic.js';
export { DEFAULT_REPLAY_GROUP } from './replayProgress.js';
export { tailTopic, type TailOptions } from './tailTopic.js';
export { groupLag, type PartitionLag } from './groupLag.js';
export { KAFKA_DEAD_LETTER_ONLY, type KafkaDeadLetter, type KafkaOpsMessage } from './kafkaRecord.js';
