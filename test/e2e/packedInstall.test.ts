import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  npm,
  ok,
  outsideEnv as env,
  packPackages,
  publishablePackages,
  repo,
  type PackedPackage,
} from '../support/packedPackages.js';
import { countsOf, runCommand } from '../support/runBuiltApp.js';

// Every @switchyard package from its packed tarball in a project outside the repository, as a
// service would depend on them (test/support/packedPackages.ts). The project brings its own copies of the libraries whose
// metadata it shares with switchyard, at other versions than the workspace's, and still ends
// up with one copy of each (they are peer dependencies).

const PACKAGES = [
  'cli',
  'core',
  'kafka',
  'lambda',
  'nats',
  'observability',
  'processor',
  'routing',
  'rpc',
  'sentry',
  'sqs',
] as const;
const SHARED_METADATA = ['class-validator', 'class-transformer', 'reflect-metadata', 'inversify'] as const;

/**
 * The project's own copies: another version than the workspace's lockfile holds, inside the
 * peer ranges. class-validator and inversify: another minor; class-transformer: 0.5.0 (0.5 is
 * the only compatible minor); reflect-metadata: 0.2.2, the only version inversify 8 accepts.
 */
const PROJECT_VERSIONS: Record<(typeof SHARED_METADATA)[number], string> = {
  'class-validator': '0.14.4',
  'class-transformer': '0.5.0',
  'reflect-metadata': '0.2.2',
  inversify: '8.1.3',
};

/** A plain ESM daemon (decorators applied as functions), its schema with a nested `@Type`. */
const DAEMON = `import 'reflect-metadata';
import { ConsumerDaemon, handles, injectable, schema } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { healthPlugin, tracingPlugin } from '@switchyard/observability';
import { sentryPlugin } from '@switchyard/sentry';
import { sqsTransportFactory } from '@switchyard/sqs';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';

class Address {}
IsString()(Address.prototype, 'city');

// The project's class-transformer applies @Type; switchyard's decoding must see it, or the
// address stays a plain object (or fails validation) and the handler fails every message.
class Order {}
IsInt()(Order.prototype, 'seq');
Min(0)(Order.prototype, 'seq');
ValidateNested()(Order.prototype, 'address');
Type(() => Address)(Order.prototype, 'address');
schema('application/vnd.packed-install.order')(Order);

class Ledger {
  seen = 0;
}
injectable()(Ledger);

class OrderHandler {
  constructor(ledger) {
    this.ledger = ledger;
  }
  handle(order) {
    if (!(order instanceof Order)) throw new Error('not an Order');
    if (!(order.address instanceof Address)) throw new Error('address is not an Address: @Type unseen');
    this.ledger.seen += 1;
  }
}
// What TypeScript's emitDecoratorMetadata writes, before the class decorators run.
Reflect.defineMetadata('design:paramtypes', [Ledger], OrderHandler);
handles(Order)(OrderHandler);
injectable()(OrderHandler);

class PackedDaemon extends ConsumerDaemon {
  name = 'packed-install';
  handlers = [OrderHandler];
  transports = [sqsTransportFactory, kafkaTransportFactory];
  plugins = [healthPlugin, sentryPlugin, tracingPlugin];

  onReady(daemon) {
    const publish = async () => {
      for (let seq = 0; seq < daemon.options.count; seq += 1) {
        const address = Object.assign(new Address(), { city: 'city ' + seq });
        await daemon.producer.produce(Order, Object.assign(new Order(), { seq, address }));
      }
    };
    void publish().catch((error) => daemon.fail('publisher failed', error));
  }
}

await new PackedDaemon().main(process.argv);
`;

/** Imports every entry point (`./testing` too) with the types a TypeScript service sees. */
const TYPES_CHECK = `import 'reflect-metadata';
import { ConsumerDaemon, schema, type MessageHandler } from '@switchyard/core';
import { TestDaemon, switchyardMatchers } from '@switchyard/core/testing';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { healthPlugin } from '@switchyard/observability';
import { sentryPlugin } from '@switchyard/sentry';
import { sqsTransportFactory } from '@switchyard/sqs';
import * as routing from '@switchyard/routing';
import { ApiDaemon, createBus } from '@switchyard/rpc';
import { kafkaWire } from '@switchyard/rpc/kafka';
import { natsWire } from '@switchyard/rpc/nats';
import { sqsWire } from '@switchyard/rpc/sqs';

export const entries: unknown[] = [ConsumerDaemon, schema, TestDaemon, switchyardMatchers, kafkaTransportFactory];
export const more: unknown[] = [healthPlugin, sentryPlugin, sqsTransportFactory, routing];
export const rpc: unknown[] = [ApiDaemon, createBus, kafkaWire, natsWire, sqsWire];
export type Handler = MessageHandler<object>;
`;

interface Manifest {
  name: string;
  version: string;
  description?: string;
  repository?: { type: string; url: string; directory: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
  [field: string]: unknown;
}

/** The libraries each package imports whose metadata it shares with the service. */
const PEERS: Record<(typeof PACKAGES)[number], readonly string[]> = {
  core: SHARED_METADATA,
  kafka: ['class-validator'],
  sqs: ['class-validator'],
  observability: ['class-validator'],
  routing: ['class-validator', 'class-transformer'],
  sentry: ['class-validator'],
  nats: ['class-validator'],
  cli: [],
  lambda: [],
  processor: [],
  // The wires' transports, the clients the wires import, and ioredis are optional: a service
  // installs the transport it runs on, which brings its client.
  rpc: [
    'class-transformer',
    'class-validator',
    '@switchyard/kafka',
    '@switchyard/nats',
    '@switchyard/sqs',
    'ioredis',
    'kafkajs',
    '@aws-sdk/client-sns',
    '@aws-sdk/client-sqs',
    '@nats-io/jetstream',
    '@nats-io/transport-node',
  ],
};

let work: string;
let project: string;
/** Per package: its tarball, the files it holds, and where it was unpacked. */
let packed: Map<string, PackedPackage>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchyard-packed-'));
  project = join(work, 'project');
  mkdirSync(project);
  packed = await packPackages(
    PACKAGES.map((name) => `@switchyard/${name}`),
    work,
  );
}, 60_000);

// A project with every package's dependencies installed: removing it can take more than the default 10 s.
afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('the packed @switchyard packages', () => {
  it('packs every package', () => {
    expect([...packed.keys()].sort()).toEqual(PACKAGES.map((name) => `@switchyard/${name}`).sort());
    // A new package joins this list, or the test stops covering what a service installs.
    expect(publishablePackages().filter((name) => name.startsWith('@switchyard/'))).toEqual(
      PACKAGES.map((name) => `@switchyard/${name}`),
    );
  });

  it.each(PACKAGES)('%s: the packed package.json is one a service can depend on', (name) => {
    const { unpacked, files } = packed.get(`@switchyard/${name}`)!;
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Manifest;
    expect(manifest).toMatchObject({
      type: 'module',
      license: 'MIT',
      engines: { node: '>=22.12' },
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      repository: { type: 'git', directory: `packages/${name}` },
    });
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.description).toMatch(/\w/);
    expect(files).toContain(`package/${String(manifest.types).replace(/^\.\//, '')}`);
    if (name === 'core') {
      expect(manifest.exports['./testing']).toEqual({
        types: './dist/testing/index.d.ts',
        default: './dist/testing/index.js',
      });
    }
    for (const entry of Object.values(manifest.exports)) {
      expect(files).toContain(`package/${entry.types.slice(2)}`);
      expect(files).toContain(`package/${entry.default.slice(2)}`);
    }
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dependency.startsWith('@switchyard/')) expect(range, dependency).toMatch(/^\^\d/);
      expect(SHARED_METADATA, `${dependency} must be a peer dependency`).not.toContain(dependency);
    }
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual([...PEERS[name]].sort());
  });

  it.each(PACKAGES)(
    '%s: the tarball holds dist and a README, no build leftovers, no dangling map',
    (name) => {
      const { files, unpacked } = packed.get(`@switchyard/${name}`)!;
      expect(files).toContain('package/README.md');
      expect(files.filter((file) => file.includes('.tsbuildinfo'))).toEqual([]);
      // dist, src, top-level files, and the asset folders the manifest names (console pages, templates).
      const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Manifest;
      const folders = [
        'dist',
        'src',
        ...(manifest.files as string[]).filter((entry) => !/[.!*]/.test(entry)),
      ];
      const shipped = (file: string) =>
        /^package\/[^/]+$/.test(file) || folders.some((folder) => file.startsWith(`package/${folder}/`));
      expect(files.filter((file) => !shipped(file))).toEqual([]);
      const dangling: string[] = [];
      for (const file of files.filter((path) => path.endsWith('.map'))) {
        const path = join(unpacked, file.slice('package/'.length));
        const map = JSON.parse(readFileSync(path, 'utf8')) as { sourceRoot?: string; sources: string[] };
        for (const source of map.sources) {
          if (!existsSync(resolve(dirname(path), map.sourceRoot ?? '', source)))
            dangling.push(`${file} → ${source}`);
        }
      }
      expect(dangling).toEqual([]);
    },
  );

  it('install outside the workspace beside their own copies of the peer libraries; a daemon runs on them', async () => {
    const dependencies: Record<string, string> = { ...PROJECT_VERSIONS };
    for (const [name, { tarball }] of packed) dependencies[name] = `file:${tarball}`;
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'packed-install',
          private: true,
          type: 'module',
          dependencies,
          devDependencies: { '@types/node': '^24.0.0' },
        },
        null,
        2,
      ),
    );
    const install = ok(
      await npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], project),
      'npm install',
    );
    // The Node this runs on satisfies every engine the packages and their dependencies declare.
    expect(install.stderr).not.toContain('EBADENGINE');

    // One copy of each library that holds metadata: the project's, at the project's version.
    for (const library of SHARED_METADATA) {
      const list = await npm(['ls', library, '--all', '--parseable'], project);
      expect(list.code, `npm ls ${library}\n${list.stdout}\n${list.stderr}`).toBe(0);
      const copies = new Set(
        list.stdout.split('\n').filter((line) => line.endsWith(`node_modules/${library}`)),
      );
      expect([...copies], `copies of ${library}`).toEqual([join(project, 'node_modules', library)]);
      const installed = JSON.parse(
        readFileSync(join(project, 'node_modules', library, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(installed.version).toBe(PROJECT_VERSIONS[library]);
    }

    // The declarations resolve for a TypeScript service (NodeNext, the README's settings).
    writeFileSync(join(project, 'check.ts'), TYPES_CHECK);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          rootDir: '.',
          noEmit: true,
          types: ['node'],
        },
        files: ['check.ts'],
      }),
    );
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    ok(
      await runCommand(process.execPath, [tsc, '-p', project], { cwd: project, env }),
      'tsc on the packed types',
    );
    const testing = await runCommand(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const t = await import('@switchyard/core/testing'); console.log(typeof t.TestDaemon);",
      ],
      { cwd: project, env },
    );
    expect(ok(testing, '@switchyard/core/testing').stdout.trim()).toBe('function');

    writeFileSync(join(project, 'daemon.js'), DAEMON);
    let timer: NodeJS.Timeout | undefined;
    const run = await runCommand(process.execPath, ['daemon.js', '--count', '5'], {
      cwd: project,
      env,
      onStart: (pid) => {
        timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 30_000);
      },
    });
    clearTimeout(timer);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(countsOf(run.stdout, 'packed-install summary:')).toMatchObject({
      received: 5,
      succeeded: 5,
      failed: 0,
    });
  }, 150_000);
});
