import { switchyardMatchers, TestDaemon } from '@switchyard/core/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SimpleConsumerDaemon } from '../src/SimpleConsumerDaemon.js';
import { SIMPLE_MEDIA_TYPE, SimpleMessage } from '../src/SimpleMessage.js';

expect.extend(switchyardMatchers);

let daemon: TestDaemon;
beforeEach(async () => {
  daemon = await TestDaemon.start(new SimpleConsumerDaemon());
});
afterEach(() => daemon.stop());

it('handles a valid message and publishes nothing', async () => {
  const outcome = await daemon.publishAndWait(SimpleMessage, { message: 'hi', timestamp: Date.now() });
  expect(outcome.kind).toBe('succeeded');
  expect(daemon).toHavePublishedNothing();
});

it('dead-letters a message that breaks the schema, with the reason', async () => {
  const invalid = { mediaType: SIMPLE_MEDIA_TYPE, message: 'hi', timestamp: -1 };
  const outcome = await daemon.sendRawAndWait(JSON.stringify(invalid));
  expect(outcome.kind).toBe('dead-lettered');
  expect(daemon).toHaveDeadLettered(/timestamp/);
});
