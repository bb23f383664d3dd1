import { SwitchyardError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { KafkaErrorCodes } from '../src/errors.js';
import { checkTopicNames, topicNameProblem } from '../src/preflight.js';

const dlt = (topic: string): string => `${topic}.dlt`;

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('topic names', () => {
  it("accepts Kafka's legal names and refuses the others, saying why", () => {
    for (const name of ['orders', 'a.b_c-D9', 'x'.repeat(249)])
      expect(topicNameProblem(name)).toBeUndefined();
    expect(topicNameProblem('')).toMatch(/empty/);
    expect(topicNameProblem('.')).toMatch(/"\."/);
    expect(topicNameProblem('..')).toMatch(/"\.\."/);
    expect(topicNameProblem('x'.repeat(250))).toMatch(/250 characters/);
    for (const name of ['bad topic!', 'a/b', 'ö', 'a\u0000b'])
      expect(topicNameProblem(name)).toMatch(/characters/);
  });

  it('names a bad kafka.deadLetterTopic and its key', () => {
    const error = thrown(() =>
      checkTopicNames({
        topics: ['orders'],
        deadLetterTopic: 'bad topic!',
        deadLetterTopicFor: () => 'bad topic!',
      }),
    );
    expect(SwitchyardError.isCode(error, KafkaErrorCodes.TOPIC_NAME_INVALID)).toBe(true);
    expect((error as Error).message).toMatch(/kafka\.deadLetterTopic "bad topic!" has characters/);
  });

  it('names the source topic when its derived dead-letter topic would be too long', () => {
    const topic = 'x'.repeat(247);
    const error = thrown(() =>
      checkTopicNames({ topics: [topic], deadLetterTopic: '', deadLetterTopicFor: dlt }),
    );
    expect(SwitchyardError.isCode(error, KafkaErrorCodes.TOPIC_NAME_INVALID)).toBe(true);
    expect((error as Error).message).toContain(`of kafka topic "${topic}"`);
    expect((error as Error).message).toContain('set kafka.deadLetterTopic');
  });

  it('names a bad consumed topic', () => {
    const error = thrown(() =>
      checkTopicNames({ topics: ['a b'], deadLetterTopic: '', deadLetterTopicFor: dlt }),
    );
    expect((error as Error).message).toMatch(/kafka topic "a b" \(kafka\.topics, --topic\)/);
  });

  it('refuses a dead-letter topic that is also consumed', () => {
    const error = thrown(() =>
      checkTopicNames({
        topics: ['orders', 'dead'],
        deadLetterTopic: 'dead',
        deadLetterTopicFor: () => 'dead',
      }),
    );
    expect(SwitchyardError.isCode(error, KafkaErrorCodes.DEAD_LETTER_TOPIC_IS_SOURCE)).toBe(true);
  });

  it('accepts the usual set-ups', () => {
    expect(() =>
      checkTopicNames({ topics: ['orders', 'orders.dlt'], deadLetterTopic: '', deadLetterTopicFor: dlt }),
    ).not.toThrow();
  });
});
