import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/CliError.js';
import { DEV_DEPENDENCIES, SHARED_METADATA_LIBRARIES } from '../src/init/packageManifest.js';
import { processorFiles, processorName } from '../src/init/processorFiles.js';
import { projectFiles } from '../src/init/projectFiles.js';
import { projectNames } from '../src/init/projectNames.js';
import { renderTemplate } from '../src/init/renderTemplate.js';
import { transportPackages, type TransportChoice } from '../src/init/transports.js';
import { refusal, writeProject } from '../src/init/writeProject.js';

const cli = new URL('../', import.meta.url);
const readTemplate = (path: string): string => readFileSync(new URL(`templates/${path}`, cli), 'utf8');
const readJson = (url: URL): Record<string, Record<string, string>> =>
  JSON.parse(readFileSync(url, 'utf8')) as Record<string, Record<string, string>>;

function generate(transport: TransportChoice | undefined, sentry = false): Map<string, string> {
  const input = {
    names: projectNames('my-service'),
    transports: transportPackages(transport),
    sentry,
    switchyardVersion: '1.2.3',
  };
  return new Map(projectFiles(input, readTemplate).map((file) => [file.path, file.content]));
}

const manifestOf = (files: Map<string, string>) =>
  JSON.parse(files.get('package.json')!) as {
    name: string;
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

describe('the generated project', () => {
  it('has the same files whatever the options', () => {
    const expected = [
      '.env.example',
      '.gitignore',
      'README.md',
      'package.json',
      'src/Greeter.ts',
      'src/Greeting.ts',
      'src/GreetingHandler.ts',
      'src/daemon.ts',
      'src/main.ts',
      'src/publishGreetings.ts',
      'test/daemon.test.ts',
      'test/setup.ts',
      'tsconfig.json',
      'vitest.config.ts',
    ];
    for (const transport of [undefined, 'sqs', 'kafka', 'nats', 'memory'] as const) {
      expect([...generate(transport, true).keys()].sort(), String(transport)).toEqual(expected);
    }
  });

  it('leaves no placeholder unfilled', () => {
    for (const [path, content] of generate('nats', true)) expect(content, path).not.toMatch(/\{\{|\}\}/);
  });

  it.each([
    [undefined, ['@switchyard/kafka', '@switchyard/sqs'], 'sqsTransportFactory, kafkaTransportFactory'],
    ['sqs', ['@switchyard/sqs'], 'sqsTransportFactory'],
    ['kafka', ['@switchyard/kafka'], 'kafkaTransportFactory'],
    ['nats', ['@switchyard/nats'], 'natsTransportFactory'],
    ['memory', [], ''],
  ] as const)(
    '--transport %s: its packages, and the daemon lists their factories',
    (transport, packages, listed) => {
      const files = generate(transport);
      const { dependencies } = manifestOf(files);
      const switchyard = Object.keys(dependencies).filter((name) => name.startsWith('@switchyard/'));
      expect(switchyard.sort()).toEqual(
        ['@switchyard/core', '@switchyard/observability', ...packages].sort(),
      );
      for (const name of switchyard) expect(dependencies[name]).toBe('^1.2.3');
      expect(files.get('src/daemon.ts')).toContain(`override readonly transports = [${listed}];`);
      for (const name of packages) expect(files.get('src/daemon.ts')).toContain(`from '${name}';`);
    },
  );

  it('documents the flags of the transports it lists, and only those', () => {
    const flags = {
      sqs: ['--queue-url', '--endpoint-url'],
      kafka: ['--kafka-brokers', '--topic', '--group-id'],
    };
    const nats = ['--nats-servers', '--stream', '--subject', '--durable'];
    const byDefault = generate(undefined).get('README.md')!;
    for (const flag of [...flags.sqs, ...flags.kafka]) expect(byDefault).toContain(flag);
    for (const flag of nats) expect(byDefault).not.toContain(flag);
    const onNats = generate('nats').get('README.md')!;
    for (const flag of nats) expect(onNats).toContain(flag);
    expect(onNats).not.toContain('--queue-url');
    for (const readme of [byDefault, onNats]) {
      expect(readme).toContain('npm test');
      expect(readme).toContain('npm run build && npm start -- --count 5');
    }
  });

  it('--sentry: the package, the plugin, its README section and .env keys', () => {
    const without = generate(undefined);
    expect(manifestOf(without).dependencies).not.toHaveProperty('@switchyard/sentry');
    expect(without.get('src/daemon.ts')).toContain('override readonly plugins = [healthPlugin];');
    expect(without.get('.env.example')).not.toContain('SENTRY');
    const withSentry = generate(undefined, true);
    expect(manifestOf(withSentry).dependencies['@switchyard/sentry']).toBe('^1.2.3');
    expect(withSentry.get('src/daemon.ts')).toContain(
      'override readonly plugins = [healthPlugin, sentryPlugin];',
    );
    expect(withSentry.get('.env.example')).toContain('MY_SERVICE__SENTRY__ENABLED=false');
    expect(withSentry.get('README.md')).toContain('## Sentry');
  });

  it('package.json: the scripts, the peer libraries at the ranges core accepts, the dev tools at the repository’s', () => {
    const manifest = manifestOf(generate(undefined));
    expect(manifest.name).toBe('my-service');
    expect(Object.keys(manifest.scripts).sort()).toEqual(['build', 'start', 'test']);
    const core = readJson(new URL('../core/package.json', cli));
    for (const [library, range] of Object.entries(SHARED_METADATA_LIBRARIES)) {
      expect(manifest.dependencies[library]).toBe(range);
      // The newest alternative of core's peer range, so a new project gets the newest copy.
      expect(core.peerDependencies![library]!.split('||').at(-1)!.trim(), library).toBe(range);
    }
    const root = readJson(new URL('../../package.json', cli));
    for (const [tool, range] of Object.entries(DEV_DEPENDENCIES))
      expect(root.devDependencies![tool], tool).toBe(range);
    expect(manifest.devDependencies).toEqual(DEV_DEPENDENCIES);
  });
});

describe('project names', () => {
  it('derive the daemon class, the environment prefix and the media type', () => {
    expect(projectNames('my-service')).toEqual({
      packageName: 'my-service',
      daemonName: 'my-service',
      daemonClass: 'MyServiceDaemon',
      envSegment: 'MY_SERVICE',
      mediaType: 'application/vnd.my-service.greeting',
    });
    expect(projectNames('@acme/orders.daemon')).toMatchObject({
      daemonName: 'orders.daemon',
      daemonClass: 'OrdersDaemon',
      envSegment: 'ORDERS_DAEMON',
    });
    expect(projectNames('2fa').daemonClass).toBe('Service2faDaemon');
  });

  it.each(['My-Service', 'my service', '', '.hidden', '@scope', '-'])(
    'refuse %j with exit code 2 and the fix',
    (name) => {
      const error = (() => {
        try {
          projectNames(name);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ exitCode: 2, message: expect.stringContaining('pass one with --name') });
    },
  );
});

describe('the generated processor project (--processor)', () => {
  const files = new Map(
    processorFiles(projectNames('my-processor'), '1.2.3', readTemplate).map((file) => [
      file.path,
      file.content,
    ]),
  );

  it('has config.yaml, the handler in a folder of its own, its test, and no daemon', () => {
    expect([...files.keys()].sort()).toEqual([
      '.gitignore',
      'README.md',
      'config.yaml',
      'handler/handler.ts',
      'package.json',
      'test/handler.test.ts',
      'tsconfig.json',
    ]);
    for (const [path, content] of files) expect(content, path).not.toMatch(/\{\{|\}\}/);
    expect(files.get('config.yaml')).toMatch(/^name: my-processor$/m);
    expect(files.get('config.yaml')).toMatch(/^ {2}handlerPath: \.\/handler /m);
  });

  it('package.json: npm start is switchyard process, the packages at this version, core’s peers', () => {
    const manifest = manifestOf(files);
    expect(manifest.scripts).toEqual({
      build: 'tsc -p tsconfig.json',
      start: 'switchyard process config.yaml',
      test: 'vitest run',
    });
    expect(manifest.dependencies).toEqual({
      '@switchyard/cli': '^1.2.3',
      '@switchyard/core': '^1.2.3',
      '@switchyard/processor': '^1.2.3',
      ...SHARED_METADATA_LIBRARIES,
    });
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(['@types/node', 'typescript', 'vitest']);
  });

  it('names the processor as config.yaml allows ([a-z][a-z0-9-]*)', () => {
    expect(processorName(projectNames('@acme/orders.enricher'))).toBe('orders-enricher');
    expect(processorName(projectNames('2fast'))).toBe('processor-2fast');
    expect(processorName(projectNames('a_b~c'))).toBe('a-b-c');
  });
});

describe('templates', () => {
  it('fill every placeholder and refuse one without a value', () => {
    expect(renderTemplate('{{a}}-{{b}}-{{a}}', { a: 'x', b: 'y' })).toBe('x-y-x');
    expect(() => renderTemplate('{{missing}}', {})).toThrow('{{missing}} has no value');
  });
});

describe('the folder a project goes into', () => {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-init-unit-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('may be new or empty', () => {
    expect(refusal(join(work, 'new'), false)).toBeUndefined();
    mkdirSync(join(work, 'empty'));
    expect(refusal(join(work, 'empty'), false)).toBeUndefined();
  });

  it('is refused when not empty, naming what is there and --force; --force writes into it', () => {
    const dir = join(work, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const files = [{ path: 'src/a.ts', content: 'export {};\n' }];
    expect(() => writeProject(dir, files, false)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: `${dir} is not empty (notes.txt): choose an empty or new folder, or pass --force to write into it (files of the same name are overwritten)`,
      }),
    );
    expect(() => readFileSync(join(dir, 'src/a.ts'))).toThrow();
    writeProject(dir, files, true);
    expect(readFileSync(join(dir, 'src/a.ts'), 'utf8')).toBe('export {};\n');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('is refused when it is a file', () => {
    writeFileSync(join(work, 'file'), '');
    expect(refusal(join(work, 'file'), true)).toMatch(/exists and is not a folder/);
  });
});
