import { beforeAll, describe, expect, it } from 'vitest';
import { outsideEnv } from '../support/packedPackages.js';
import { scaffoldedProject, type ScaffoldedProject } from '../support/packedScaffold.js';
import { countsOf, runCommand } from '../support/runBuiltApp.js';
import { brokerCases, createTopic, kafkaBrokers } from './support.js';

// The project `npm create switchyard` generates, installed from the packed packages outside the
// repository (test/support/packedScaffold.ts; the e2e suite builds and tests it), on each Kafka
// broker of the suite with the flags its README gives.

describe.skipIf(kafkaBrokers.length === 0)('the project from npm create switchyard, on Kafka', () => {
  let scaffold: ScaffoldedProject;
  beforeAll(async () => {
    scaffold = await scaffoldedProject();
  }, 600_000);

  it.each(brokerCases)(
    'Kafka $version: --kafka-brokers, --topic, --group-id, --count 5: publishes five to the topic, handles each, exits 0',
    async ({ brokers }) => {
      const topic = await createTopic(brokers, 2);
      const run = await runCommand(
        process.execPath,
        [
          'dist/main.js',
          '--kafka-brokers',
          brokers,
          '--topic',
          topic,
          '--group-id',
          'my-service.consumer',
          '--from-beginning',
          '--count',
          '5',
        ],
        { cwd: scaffold.project, env: { ...outsideEnv, MY_SERVICE__DAEMON__LOG_FORMAT: 'json' } },
      );
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('"transport":"kafka"');
      expect(run.stdout).toContain('hello, world 5');
      expect(countsOf(run.stdout, `${scaffold.name} summary:`)).toMatchObject({
        succeeded: 5,
        failed: 0,
        'dead-lettered': 0,
      });
    },
  );
});
