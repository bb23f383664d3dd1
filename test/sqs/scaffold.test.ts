import { beforeAll, describe, expect, it } from 'vitest';
import { outsideEnv } from '../support/packedPackages.js';
import { scaffoldedProject, type ScaffoldedProject } from '../support/packedScaffold.js';
import { countsOf, runCommand } from '../support/runBuiltApp.js';
import { createQueue, elasticMq, messagesLeft, noElasticMq, sqsClient } from './support.js';

// The project `npm create switchyard` generates, installed from the packed packages outside the
// repository (test/support/packedScaffold.ts; the e2e suite builds and tests it), on ElasticMQ
// with the flags its README gives.

describe.skipIf(noElasticMq)('the project from npm create switchyard, on ElasticMQ', () => {
  let scaffold: ScaffoldedProject;
  beforeAll(async () => {
    scaffold = await scaffoldedProject();
  }, 600_000);

  it('--queue-url, --endpoint-url, --count 5: publishes five through SQS, handles and deletes each, exits 0', async () => {
    const client = sqsClient(elasticMq);
    const queueUrl = await createQueue(client, 'my-service');
    const run = await runCommand(
      process.execPath,
      ['dist/main.js', '--queue-url', queueUrl, '--endpoint-url', elasticMq, '--count', '5'],
      {
        cwd: scaffold.project,
        env: {
          ...outsideEnv,
          // A local server ignores the credentials; the AWS SDK insists on some.
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_REGION: 'us-east-1',
          MY_SERVICE__DAEMON__LOG_FORMAT: 'json',
        },
      },
    );
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('"transport":"sqs"');
    expect(run.stdout).toContain('hello, world 5');
    expect(countsOf(run.stdout, `${scaffold.name} summary:`)).toMatchObject({
      received: 5,
      succeeded: 5,
      failed: 0,
      'dead-lettered': 0,
    });
    expect(await messagesLeft(client, queueUrl)).toBe(0);
  });
});
