import { ErrorCodes, SwitchyardError } from '@switchyard/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrderDaemon, resetHandler } from './fixtures.js';
import {
  createQueue,
  elasticMq,
  finished,
  noElasticMq,
  observedClient,
  sendRaw,
  sqsClient,
  useClient,
} from './support.js';

// What the AWS SDK's default chain reads; each test removes what it needs gone and puts it back.
const CHAIN = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_EC2_METADATA_DISABLED',
] as const;
const saved = Object.fromEntries(CHAIN.map((name) => [name, process.env[name]]));

/** A machine with none of the chain's sources: no keys, no profile files, no instance role. */
function noAwsSetup(keep: { region?: boolean } = {}): void {
  for (const name of CHAIN) if (!(keep.region === true && name === 'AWS_REGION')) delete process.env[name];
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws/credentials';
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws/config';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

const client = sqsClient(elasticMq);
const quiet = ['--set', 'daemon.logLevel=silent', '--set', 'sqs.waitTimeSeconds=1'];

afterEach(() => {
  for (const name of CHAIN) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  vi.restoreAllMocks();
});

/** Starts OrderDaemon with `argv`, counting the SQS calls it makes; resolves with the start's error. */
async function startFailure(argv: string[]): Promise<{ error: unknown; calls: string[] }> {
  const calls: string[] = [];
  const counting = observedClient(elasticMq, (command) => void calls.push(command));
  const error: unknown = await new OrderDaemon()
    .start({ argv: [...argv, ...quiet], env: {}, modules: [useClient(counting)] })
    .then((running) => running.stop().then(() => new Error('the daemon started')))
    .catch((caught: unknown) => caught);
  return { error, calls };
}

describe.skipIf(noElasticMq)('SQS start-up checks: what the SDK needs, said once (ElasticMQ)', () => {
  it('missing AWS credentials stop the start with one line naming the fix; nothing is polled', async () => {
    const queue = await createQueue(client, 'no-credentials');
    const warnings = vi.spyOn(console, 'warn');
    noAwsSetup({ region: true });
    const { error, calls } = await startFailure(['--queue-url', queue, '--endpoint-url', elasticMq]);
    expect(SwitchyardError.isCode((error as Error).cause, ErrorCodes.CONFIG_INVALID)).toBe(true);
    expect((error as Error).message).toMatch(
      /^the sqs transport could not start: no AWS credentials: the SDK's default chain found none \(.+\); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role\. A local server \(ElasticMQ, fauxqs\) accepts any: AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local$/,
    );
    expect((error as Error).message).not.toContain('\n');
    expect(calls).toEqual([]);
    expect(warnings).not.toHaveBeenCalled();
  });

  it('with the keys the message suggests, the same daemon starts and consumes from ElasticMQ', async () => {
    resetHandler();
    const queue = await createQueue(client, 'suggested-credentials');
    await sendRaw(
      client,
      queue,
      JSON.stringify({
        mediaType: 'application/vnd.switchyard.test.order',
        id: 'a',
        group: 'g',
        sequence: 0,
      }),
    );
    noAwsSetup({ region: true });
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const running = await new OrderDaemon().start({
      argv: ['--queue-url', queue, '--endpoint-url', elasticMq, ...quiet],
      env: {},
    });
    try {
      await finished(running, 1);
      expect(running.counter.get('succeeded')).toBe(1);
    } finally {
      await running.stop();
    }
  });

  it('a local queue URL without --endpoint-url stops the start naming the flag and the value to pass', async () => {
    const queue = await createQueue(client, 'no-endpoint');
    const warnings = vi.spyOn(console, 'warn');
    // The daemon's own client (no rebind): built from sqs.endpointUrl, which is empty here.
    const error: unknown = await new OrderDaemon()
      .start({ argv: ['--queue-url', queue, ...quiet], env: {} })
      .then((running) => running.stop().then(() => new Error('the daemon started')))
      .catch((caught: unknown) => caught);
    expect(SwitchyardError.isCode((error as Error).cause, ErrorCodes.CONFIG_INVALID)).toBe(true);
    expect((error as Error).message).toBe(
      `the sqs transport could not start: sqs.queueUrl ${queue} is a queue of a local or compatible server (127.0.0.1), but sqs.endpointUrl ` +
        'is empty (the SDK then wants an AWS region, and warns on every call): pass ' +
        `--endpoint-url ${new URL(queue).origin} (sqs.endpointUrl)`,
    );
    expect(warnings).not.toHaveBeenCalled();
  });
});

describe('SQS start-up checks that need no server', () => {
  it('an AWS queue URL with no region anywhere stops the start naming --region and AWS_REGION', async () => {
    noAwsSetup();
    const error: unknown = await new OrderDaemon()
      .start({
        argv: ['--queue-url', 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders', ...quiet],
        env: {},
      })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'the sqs transport could not start: no AWS region: pass --region <region> (sqs.region) or set AWS_REGION',
    );
  });

  it('a queue URL that is not a URL says what to give', async () => {
    const error: unknown = await new OrderDaemon()
      .start({ argv: ['--queue-url', 'orders', ...quiet], env: {} })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /^the sqs transport could not start: sqs\.queueUrl "orders" is not a URL: give the queue's URL/,
    );
  });
});
