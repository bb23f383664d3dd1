import { SwitchyardError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { KafkaErrorCodes } from '../src/errors.js';
import type { Kafka } from 'kafkajs';
import { KafkaProduceError } from '../src/KafkaProduceError.js';
import { checkTopicNames, checkTopics, resolveGroupId, topicNameProblem } from '../src/preflight.js';

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

describe('group id', () => {
  const pattern = '^[a-z0-9][a-z0-9_-]*\\.[a-z0-9][a-z0-9_.-]*$';

  it('a configured one that breaks the pattern names kafka.groupId, the pattern and the fix', () => {
    const error = thrown(() => resolveGroupId('NoDotHere', pattern, 'orders'));
    expect(SwitchyardError.isCode(error, KafkaErrorCodes.GROUP_ID_INVALID)).toBe(true);
    expect((error as Error).message).toBe(
      `kafka.groupId "NoDotHere" does not follow the group naming convention /${pattern}/ (kafka.groupNamePattern): ` +
        'set kafka.groupId (--group-id) to "<service>.<group>" in lower case, e.g. "orders.consumer"',
    );
  });

  it('the default from a daemon name that breaks it says where it came from', () => {
    const error = thrown(() => resolveGroupId('', pattern, 'Orders'));
    expect((error as Error).message).toMatch(
      /^the default kafka group id "Orders\.consumer" \(from the daemon name; kafka\.groupId is empty\)/,
    );
    expect(resolveGroupId('', pattern, 'orders')).toBe('orders.consumer');
  });
});

describe('start-up failures carry codes', () => {
  it('no topics, and brokers that do not answer', async () => {
    const names = { deadLetterTopic: '', deadLetterTopicFor: dlt };
    const unreachable = {
      admin: () => ({
        connect: async () => {
          throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1');
        },
        disconnect: async () => undefined,
      }),
    } as unknown as Kafka;
    const none = await checkTopics(unreachable, { topics: [], ...names }).catch((error: unknown) => error);
    expect(SwitchyardError.isCode(none, KafkaErrorCodes.NO_TOPICS)).toBe(true);
    const down = await checkTopics(
      unreachable,
      { topics: ['orders'], ...names },
      undefined,
      '127.0.0.1:1',
    ).catch((error: unknown) => error);
    expect(SwitchyardError.isCode(down, KafkaErrorCodes.BROKERS_UNREACHABLE)).toBe(true);
    expect((down as Error).message).toMatch(
      /^could not connect to the kafka brokers \(kafka\.brokers, first 127\.0\.0\.1:1\): .*ECONNREFUSED.*; check kafka\.brokers/,
    );
  });

  it('a failed produce is a KafkaError with its code', () => {
    const error = new KafkaProduceError('orders', false, new Error('too large'));
    expect(SwitchyardError.isCode(error, KafkaErrorCodes.PRODUCE_FAILED)).toBe(true);
    expect(error.name).toBe('KafkaProduceError');
    expect(error.message).toBe('could not produce to Kafka topic "orders": too large');
  });
});
