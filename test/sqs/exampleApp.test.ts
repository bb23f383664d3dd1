import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCommand, simpleSummary, type AppRun } from '../support/runBuiltApp.js';
import { elasticMq, messagesLeft, noElasticMq, sqsClient } from './support.js';

const root = new URL('../../', import.meta.url);
const DOC_PORT = '9324';

/** The guide's ElasticMQ lines (queue creation, then the run), continuation lines joined. */
function readmeCommands(): string[] {
  const guide = readFileSync(new URL('docs/running-on-sqs-and-kafka.md', root), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
  const lines = block.replace(/\\\n\s*/g, '').split('\n');
  return lines.filter((line) => line.includes(`:${DOC_PORT}`) && !line.startsWith('#'));
}

/** Runs one shell command line from the repository root, with nothing in the environment but PATH and HOME. */
function sh(command: string): Promise<AppRun> {
  return runCommand('sh', ['-c', command], {
    cwd: fileURLToPath(root),
    env: { HOME: process.env.HOME ?? '' },
  });
}

describe.skipIf(noElasticMq)('the example on ElasticMQ, run as docs/running-on-sqs-and-kafka.md says', () => {
  it('creates the queue, publishes 50 through SQS, handles and deletes each, exits 0', async () => {
    const commands = readmeCommands();
    expect(commands.map((command) => command.split(' ')[0])).toEqual(['curl', 'AWS_ACCESS_KEY_ID=x']);
    const port = new URL(elasticMq).port;
    const [createQueue, run] = commands.map((command) => command.replaceAll(`:${DOC_PORT}`, `:${port}`));
    const created = await sh(createQueue!);
    expect(created.code, created.stderr).toBe(0);
    const result = await sh(run!);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('"transport":"sqs"');
    expect(simpleSummary(result.stdout)).toMatchObject({ received: 50, succeeded: 50, 'dead-lettered': 0 });
    const queueUrl = /--queue-url (\S+)/.exec(run!)![1]!;
    expect(await messagesLeft(sqsClient(elasticMq), queueUrl)).toBe(0);
  });
});
