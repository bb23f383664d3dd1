import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { npm, ok, outsideEnv } from '../support/packedPackages.js';
import { scaffoldedProject, type ScaffoldedProject } from '../support/packedScaffold.js';
import { countsOf, runCommand, type AppRun } from '../support/runBuiltApp.js';
import { freePort } from '../servers/freePort.js';
import { until } from '../support/until.js';

// `npm create switchyard` as a newcomer runs it: every package packed, create-switchyard and the
// generated project installed from the tarballs outside the repository (test/support/packedScaffold.ts),
// then built, tested with its own test and run on the embedded bus. The SQS and Kafka suites run
// the same project on ElasticMQ and Kafka (test/sqs/scaffold.test.ts, test/kafka/scaffold.test.ts).

let scaffold: ScaffoldedProject;
let build: AppRun;
beforeAll(async () => {
  scaffold = await scaffoldedProject();
  build = await npm(['run', 'build'], scaffold.project);
}, 600_000);

const node = (args: string[], cwd: string, env: Record<string, string> = {}): Promise<AppRun> =>
  runCommand(process.execPath, args, { cwd, env: { ...outsideEnv, ...env } });
const bin = (name: string): string => join(scaffold.tools, 'node_modules', '.bin', name);

describe('a project from npm create switchyard, installed from the packed packages', () => {
  it('depends on copies of the tarballs, no workspace links', () => {
    const manifest = JSON.parse(readFileSync(join(scaffold.project, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const own = Object.keys(manifest.dependencies).filter((name) => name.startsWith('@switchyard/'));
    expect(own.sort()).toEqual([
      '@switchyard/core',
      '@switchyard/kafka',
      '@switchyard/observability',
      '@switchyard/sqs',
    ]);
    for (const name of own) {
      const installed = join(scaffold.project, 'node_modules', name);
      expect(lstatSync(installed).isSymbolicLink(), name).toBe(false);
      expect(manifest.dependencies[name]).toMatch(/^file:\.\.\/packs\/.+\.tgz$/);
    }
  });

  it('builds with its tsconfig and passes its own test', async () => {
    ok(build, 'npm run build');
    expect(existsSync(join(scaffold.project, 'dist', 'main.js'))).toBe(true);
    const test = ok(await npm(['test'], scaffold.project), 'npm test');
    expect(test.stdout).toMatch(/Tests\s+3 passed \(3\)/);
  }, 120_000);

  it('runs on the embedded bus: --count 5 publishes five greetings, handles each, exits 0', async () => {
    const run = ok(
      await node(['dist/main.js', '--count', '5'], scaffold.project, {
        MY_SERVICE__DAEMON__LOG_FORMAT: 'json',
      }),
      'node dist/main.js --count 5',
    );
    expect(run.stdout).toContain('"transport":"memory"');
    expect(run.stdout).toContain('hello, world 5');
    expect(countsOf(run.stdout, `${scaffold.name} summary:`)).toMatchObject({
      received: 5,
      succeeded: 5,
      failed: 0,
      'dead-lettered': 0,
    });
  }, 60_000);

  it('reads its .env.example: every key it sets is one the daemon knows', async () => {
    const run = await node(['dist/main.js', '--dotenv', '.env.example', '--count', '1'], scaffold.project);
    expect(run.code, run.stderr).toBe(0);
  }, 60_000);

  it('switchyard --help lists init; init --help its options', async () => {
    const help = ok(await node([bin('switchyard'), '--help'], scaffold.tools), 'switchyard --help');
    expect(help.stdout).toMatch(/^Usage: switchyard /m);
    expect(help.stdout).toMatch(/^\s+init \[options\] <dir>/m);
    const init = ok(
      await node([bin('switchyard'), 'init', '--help'], scaffold.tools),
      'switchyard init --help',
    );
    const text = init.stdout.replace(/\s+/g, ' '); // commander wraps at 80 columns
    for (const option of [
      '--transport <name>',
      '(choices: "sqs", "kafka", "nats", "memory")',
      '--sentry',
      '--name <name>',
      '--force',
    ])
      expect(text).toContain(option);
  });

  it('refuses a folder that is not empty (exit code 2, what is there, --force), and leaves it as it was', async () => {
    const before = readFileSync(join(scaffold.project, 'src', 'main.ts'), 'utf8');
    const refused = await node([bin('create-switchyard'), scaffold.project], scaffold.tools);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^switchyard: .+my-service is not empty \(.+\): choose an empty or new folder, or pass --force/m,
    );
    expect(refused.stdout).toBe('');
    expect(readFileSync(join(scaffold.project, 'src', 'main.ts'), 'utf8')).toBe(before);
  });

  it('refuses an unknown --transport and a name npm would not take (exit code 2)', async () => {
    const transport = await node(
      [bin('create-switchyard'), join(scaffold.project, 'variants', 'x'), '--transport', 'rabbit'],
      scaffold.tools,
    );
    expect(transport.code).toBe(2);
    expect(transport.stderr).toContain(
      "argument 'rabbit' is invalid. Allowed choices are sqs, kafka, nats, memory.",
    );
    const name = await node(
      [bin('create-switchyard'), join(scaffold.project, 'variants', 'y'), '--name', 'My Service'],
      scaffold.tools,
    );
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('"My Service" is not a valid package name');
    const both = await node(
      [
        bin('create-switchyard'),
        join(scaffold.project, 'variants', 'z'),
        '--processor',
        '--transport',
        'kafka',
      ],
      scaffold.tools,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/option '--processor' cannot be used with option '--transport <name>'/);
  });
});

// The other options' projects, generated beside it: each builds and passes its own test against
// the installed packages (the project's node_modules, one level up).
describe.each(['--transport memory', '--transport sqs', '--transport kafka', '--transport nats', '--sentry'])(
  'create-switchyard %s',
  (flags) => {
    it('generates a project that builds and passes its test', async () => {
      const options = flags.split(' ');
      const dir = join(scaffold.project, 'variants', options.join('').replace(/-/g, ''));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(join(scaffold.project, 'variants'), { recursive: true });
      ok(
        await node([bin('create-switchyard'), dir, '--name', 'variant', ...options], scaffold.tools),
        'create-switchyard',
      );
      const tools = join(scaffold.project, 'node_modules', '.bin');
      ok(await node([join(tools, 'tsc'), '-p', 'tsconfig.json'], dir), 'tsc');
      const test = ok(await node([join(tools, 'vitest'), 'run'], dir), 'vitest run');
      expect(test.stdout).toMatch(/Tests\s+3 passed \(3\)/);
    }, 120_000);
  },
);

// --processor: a project for `switchyard process config.yaml` (an HTTP source to start with).
describe('create-switchyard --processor', () => {
  it('generates a processor project: it typechecks, passes its test, and serves its handler over HTTP', async () => {
    const dir = join(scaffold.project, 'variants', 'processor');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(scaffold.project, 'variants'), { recursive: true });
    ok(
      await node([bin('create-switchyard'), dir, '--name', 'greeter', '--processor'], scaffold.tools),
      'create-switchyard --processor',
    );
    const tools = join(scaffold.project, 'node_modules', '.bin');
    ok(await node([join(tools, 'tsc'), '-p', 'tsconfig.json'], dir), 'tsc');
    const test = ok(await node([join(tools, 'vitest'), 'run'], dir), 'vitest run');
    expect(test.stdout).toMatch(/Tests\s+3 passed \(3\)/);

    // npm start is `switchyard process config.yaml` (package.json, checked in packages/cli/test).
    const port = await freePort();
    let pid: number | undefined;
    const child = runCommand(process.execPath, [join(tools, 'switchyard'), 'process', 'config.yaml'], {
      cwd: dir,
      env: { ...outsideEnv, PORT: String(port) },
      onStart: (started) => (pid = started),
    });
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${port}/events`, { method: 'POST', body }).then(async (response) => ({
        status: response.status,
        text: await response.text(),
      }));
    let greeted: { status: number; text: string } | undefined;
    await until(
      'the processor answers POST /events',
      async () => (greeted = await post('{"name":"Ada"}').catch(() => undefined)) !== undefined,
      30_000,
    );
    expect(greeted).toEqual({ status: 200, text: JSON.stringify({ text: 'hello, Ada' }) });
    const rejected = await post('not json');
    expect(rejected.status).toBe(422);
    expect(rejected.text).toContain('the body is not JSON');
    process.kill(pid!, 'SIGTERM');
    const stopped = await child;
    expect(stopped.code, `${stopped.stdout}\n${stopped.stderr}`).toBe(0);
  }, 180_000);
});
