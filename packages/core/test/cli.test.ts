import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, parseCli } from '../src/daemon/cli.js';
import type { CliFlag } from '../src/plugins/DaemonPlugin.js';

const sqsFlags: CliFlag[] = [
  {
    flags: '--queue-url <url>',
    description: 'SQS queue to consume',
    configKey: 'sqs.queueUrl',
    aliases: ['--sqs-queue-url <url>'],
  },
  {
    flags: '--from-beginning',
    description: 'read the topic from its start',
    configKey: 'kafka.fromBeginning',
  },
];

const parse = (...argv: string[]) => parseCli('simple-consumer', argv, sqsFlags);

// commander prints its own usage errors; keep the test output clean.
beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('parseCli defaults', () => {
  it('sets nothing when there are no arguments', () => {
    expect(parse()).toEqual({
      debug: false,
      testing: false,
      count: undefined,
      replay: undefined,
      stdin: false,
      envFile: undefined,
      config: new Map(),
    });
  });
});

describe('parseCli flags that set config keys', () => {
  it('--concurrency sets consumer.concurrency', () => {
    expect(parse('--concurrency', '8').config.get('consumer.concurrency')).toEqual({
      value: '8',
      flag: '--concurrency',
    });
  });

  it('a transport flag sets its config key', () => {
    expect(parse('--queue-url', 'https://sqs/q').config.get('sqs.queueUrl')).toEqual({
      value: 'https://sqs/q',
      flag: '--queue-url',
    });
  });

  it('an alias sets the same key, naming the alias as the flag', () => {
    expect(parse('--sqs-queue-url', 'https://sqs/q').config.get('sqs.queueUrl')).toEqual({
      value: 'https://sqs/q',
      flag: '--sqs-queue-url',
    });
  });

  it('--help names an alias next to its flag', () => {
    const printed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(() => parse('--help')).toThrow(expect.objectContaining({ code: 'commander.helpDisplayed' }));
    // Commander wraps long lines to the terminal's width.
    const help = printed.mock.calls
      .map(([chunk]) => String(chunk))
      .join('')
      .replace(/\s+/g, ' ');
    expect(help).toContain(
      '--queue-url <url> SQS queue to consume (config sqs.queueUrl; alias --sqs-queue-url)',
    );
  });

  it('a boolean flag sets its key to "true"', () => {
    expect(parse('--from-beginning').config.get('kafka.fromBeginning')).toEqual({
      value: 'true',
      flag: '--from-beginning',
    });
  });

  it('flags that are not given set nothing', () => {
    expect([...parse('--concurrency', '2').config.keys()]).toEqual(['consumer.concurrency']);
  });

  it('--debug sets daemon.logLevel=debug', () => {
    const options = parse('--debug');
    expect(options.debug).toBe(true);
    expect(options.config.get('daemon.logLevel')).toEqual({ value: 'debug', flag: '--debug' });
  });

  it('--testing sets daemon.testing=true', () => {
    const options = parse('--testing');
    expect(options.testing).toBe(true);
    expect(options.config.get('daemon.testing')).toEqual({ value: 'true', flag: '--testing' });
  });
});

describe('parseCli --set', () => {
  it('sets section.key to the value, remembering the flag and key but not the value (it may be a secret)', () => {
    expect(parse('--set', 'consumer.maxAttempts=3').config.get('consumer.maxAttempts')).toEqual({
      value: '3',
      flag: '--set consumer.maxAttempts',
    });
  });

  it('is repeatable', () => {
    const { config } = parse('--set', 'consumer.maxAttempts=3', '--set', 'daemon.logFormat=json');
    expect(config.get('consumer.maxAttempts')?.value).toBe('3');
    expect(config.get('daemon.logFormat')?.value).toBe('json');
  });

  it('the last --set of a key wins', () => {
    expect(
      parse('--set', 'consumer.maxAttempts=3', '--set', 'consumer.maxAttempts=4').config.get(
        'consumer.maxAttempts',
      )?.value,
    ).toBe('4');
  });

  it('keeps everything after the first = as the value', () => {
    expect(parse('--set', 'sqs.queueUrl=https://q?a=1&b=2').config.get('sqs.queueUrl')?.value).toBe(
      'https://q?a=1&b=2',
    );
  });

  it('allows an empty value', () => {
    expect(parse('--set', 'memory.queue=').config.get('memory.queue')?.value).toBe('');
  });

  it.each(['consumer.maxAttempts', '=3'])('refuses %j', (assignment) => {
    expect(() => parse('--set', assignment)).toThrow(/expected section\.key=value/);
  });

  it('does not repeat a value without a key in its error', () => {
    expect(() => parse('--set', '=hunter2')).toThrow(/^(?!.*hunter2)/);
  });
});

describe('parseCli --count', () => {
  it('takes a whole number >= 1', () => {
    expect(parse('--count', '5').count).toBe(5);
    expect(parse('--count', '1').count).toBe(1);
  });

  it.each(['0', '-2', '1.5', 'ten', ''])('refuses %j', (text) => {
    expect(() => parse('--count', text)).toThrow(/--count/);
  });
});

describe('parseCli other options', () => {
  it('reads --replay, --stdin and --dotenv', () => {
    expect(parse('--replay', 'messages.jsonl', '--stdin', '--dotenv', 'prod.env')).toMatchObject({
      replay: 'messages.jsonl',
      stdin: true,
      envFile: { path: 'prod.env', flag: '--dotenv' },
    });
  });

  it('reads --env-file as --dotenv, naming the flag given', () => {
    expect(parse('--env-file', 'prod.env').envFile).toEqual({ path: 'prod.env', flag: '--env-file' });
  });

  it('--help says what a missing --dotenv does, and that Node itself checks --env-file', () => {
    const help = buildProgram('order-daemon', []).helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain(
      '--dotenv <path> read config from this .env file; it must exist: a missing one stops the start (exit 1) naming it. Without --dotenv, ./.env is read if it exists',
    );
    expect(help).toContain(
      'a missing file makes `node` print "node: <path>: not found" and exit 9 (use --dotenv)',
    );
    expect(help).not.toContain('read config from this .env file if it exists');
  });

  it('refuses an unknown flag', () => {
    expect(() => parse('--concurency', '8')).toThrow(/unknown option/);
  });

  it('refuses a flag without its value', () => {
    expect(() => parse('--concurrency')).toThrow(/argument missing/);
  });
});

describe('parseCli: repeatable flags', () => {
  const topic: CliFlag = {
    flags: '--topic <name>',
    description: 'topic',
    configKey: 'kafka.topics',
    repeatable: true,
  };

  it('joins every occurrence, comma-separated, into one config value', () => {
    const options = parseCli('d', ['--topic', 'a', '--topic', 'b'], [topic]);
    expect(options.config.get('kafka.topics')).toEqual({ value: 'a,b', flag: '--topic' });
  });

  it('sets nothing when the flag is absent', () => {
    expect(parseCli('d', [], [topic]).config.has('kafka.topics')).toBe(false);
  });
});
