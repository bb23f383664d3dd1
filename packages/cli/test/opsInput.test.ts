import { describe, expect, it } from 'vitest';
import { switchyard } from '../../../test/support/runSwitchyard.js';

// The SDK's default provider chain reads these; nothing is sent anywhere that checks them.
process.env['AWS_ACCESS_KEY_ID'] ??= 'test';
process.env['AWS_SECRET_ACCESS_KEY'] ??= 'test';

/** Nothing listens on port 1 of the loopback: a connection is refused at once. */
const NOBODY = '127.0.0.1:1';

async function oneLine(args: string[], code: 1 | 2, pattern: RegExp): Promise<void> {
  const run = await switchyard(...args);
  const what = `switchyard ${args.join(' ')}`;
  expect(run.code, `${what}: ${run.stderr}`).toBe(code);
  expect(run.stdout, what).toBe('');
  expect(run.stderr.trim().split('\n'), `${what}: ${run.stderr}`).toHaveLength(1);
  expect(run.stderr, what).toMatch(pattern);
}

describe('operator commands: bad input ends in one line and exit 2 (usage) or 1 (runtime)', () => {
  it.each([
    [
      ['dlq', 'list'],
      /dlq list needs the dead-letter queue or topic: --queue-url <url> \(SQS\) or --kafka-brokers/,
    ],
    [
      ['dlq', 'replay', '--topic', 't'],
      /dlq replay: Kafka needs both --kafka-brokers <list> and --topic <topic>/,
    ],
    [['dlq', 'list', '--queue-url', 'u', '--kafka-brokers', 'b'], /not both/],
    [['dlq', 'show', '--topic', 't', '--kafka-brokers', NOBODY], /missing required argument 'id'/],
    [['dlq', 'replay', '--queue-url', 'u', '--rate', '0'], /--rate.*expected a number above 0, got "0"/],
    [['dlq', 'replay', '--queue-url', 'u', '--to', 'u'], /--to is the dead-letter queue or topic itself/],
    [
      ['tail'],
      /tail needs the queue or topic: --queue-url <url> \(SQS\) or --kafka-brokers <list> --topic <topic>/,
    ],
    [
      ['tail', '--queue-url', 'u', '--from-beginning'],
      /--from-beginning, --from-offset and --partition are Kafka flags/,
    ],
    [['tail', '--topic', 't', '--kafka-brokers', 'b', '--from-beginning', '--from-offset', '3'], /not both/],
    [['tail', '--queue-url', 'u', '--grep', '('], /--grep.*not a regular expression/],
    [['lag'], /lag needs --queue-url <url> \(SQS\) or --kafka-brokers <list> --group <id> \(Kafka\)/],
    [['lag', '--kafka-brokers', 'b'], /lag: Kafka needs --group <id>/],
    [['lag', '--group', 'g'], /lag: Kafka needs --kafka-brokers <list>/],
    [['lag', '--kafka-brokers', 'b', '--group', 'g', '--peek'], /--peek is an SQS flag/],
    [['lag', '--queue-url', 'u', '--interval', 'soon'], /--interval.*expected a number above 0/],
  ])('%j: exit 2', async (args, pattern) => {
    await oneLine(args, 2, pattern);
  });

  it.each([
    [['dlq', 'list', '--kafka-brokers', NOBODY, '--topic', 't']],
    [['dlq', 'replay', '--kafka-brokers', NOBODY, '--topic', 't']],
    [['tail', '--kafka-brokers', NOBODY, '--topic', 't']],
    [['lag', '--kafka-brokers', NOBODY, '--group', 'g']],
  ])('%j: an unreachable broker, exit 1', async (args) => {
    await oneLine(args, 1, /cannot reach any Kafka broker of 127\.0\.0\.1:1 \(.*\); check --kafka-brokers/);
  });

  it.each([[['dlq', 'list']], [['dlq', 'replay']], [['tail']], [['lag']]])(
    '%j: an unreachable SQS endpoint, exit 1',
    async (args) => {
      const queue = `http://${NOBODY}/000000000000/q`;
      await oneLine(
        [...args, '--queue-url', queue, '--endpoint-url', `http://${NOBODY}`],
        1,
        /cannot reach SQS for http:\/\/127\.0\.0\.1:1\/000000000000\/q \(.*\); check --endpoint-url and --region/,
      );
    },
  );

  it.each([['dlq', 'replay'], ['tail'], ['lag']])(
    '%j --help: exit 0, every flag described',
    async (...command) => {
      const run = await switchyard(...command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: switchyard /);
      expect(run.stdout).toContain('--json');
    },
  );
});
