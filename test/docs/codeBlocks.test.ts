import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE_FLAGS as CORE_CONFIG_FLAGS } from '../../packages/core/src/daemon/cli.js';
import { kafkaTransportFactory } from '../../packages/kafka/src/index.js';
import { healthPlugin, tracingPlugin } from '../../packages/observability/src/index.js';
import { sentryPlugin } from '../../packages/sentry/src/index.js';
import { sqsTransportFactory } from '../../packages/sqs/src/index.js';
import { CORE_FLAGS } from '../support/coreFlags.js';

// Every code block of the README and the guides either is a file of the repository (compiled, and
// run where it is a test, by `npm test`) or is marked as an excerpt of one: a block that is neither
// goes stale without anyone noticing. Shell blocks run a daemon with flags: each must exist.

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(new URL('docs/', root))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
/** The guides and every package's README: their links and what they name must hold too. */
const ALL_DOCS = [
  ...DOCS,
  ...readdirSync(new URL('packages/', root))
    .filter((name) => existsSync(new URL(`packages/${name}/README.md`, root)))
    .map((name) => `packages/${name}/README.md`),
];

interface Block {
  readonly doc: string;
  readonly language: string;
  readonly body: string;
}

function blocksOf(doc: string): Block[] {
  return [...read(doc).matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, language, body]) => ({
    doc,
    language: language!,
    body: body!,
  }));
}

const blocks = DOCS.flatMap(blocksOf);
const SOURCE_LANGUAGES = new Set(['ts', 'js', 'json']);

/** The lines of a block that must appear in the file: elisions (`// …`, `/* … *\/`, `…`) left out. */
function excerptLines(body: string): string[] {
  return body
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(\/\/ …|\/\* … \*\/|…)$/.test(line));
}

describe('code blocks in the README and the guides', () => {
  const sources = blocks.filter((block) => SOURCE_LANGUAGES.has(block.language));

  it.each(sources.map((block) => [`${block.doc}: ${block.body.split('\n')[0]}`, block]))(
    '%s is a file verbatim or an excerpt of one',
    (_, block) => {
      const first = block.body.split('\n')[0] ?? '';
      const verbatim = /^\/\/ ((?:apps|packages|test|bench)\/\S+)$/.exec(first);
      const excerpt = /^\/\/ excerpt of ((?:apps|packages|test|bench)\/\S+)$/.exec(first);
      if (verbatim !== null) {
        expect(block.body.slice(first.length + 1)).toBe(read(verbatim[1]!));
        return;
      }
      expect(
        excerpt,
        `${block.doc}: a ${block.language} block must start with "// <path>" (the file verbatim) or "// excerpt of <path>"; it starts with: ${first}`,
      ).not.toBeNull();
      const file = read(excerpt![1]!)
        .split('\n')
        .map((line) => line.trim());
      let at = 0;
      for (const line of excerptLines(block.body)) {
        const found = file.indexOf(line, at);
        expect(
          found,
          `${block.doc}: "${line}" is not in ${excerpt![1]} (after line ${at + 1})`,
        ).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    },
  );

  // The flags a daemon of this repository accepts: the core's, the transports' and plugins', the demo's.
  const DEMO_FLAGS = ['--sqs', '--stop-bus', '--redis-url', '--no-seed-cache', '--status-port'];
  const known = new Set([
    ...CORE_FLAGS,
    '--help',
    ...[
      CORE_CONFIG_FLAGS,
      ...[sqsTransportFactory, kafkaTransportFactory, healthPlugin, sentryPlugin, tracingPlugin].map(
        (plugin) => plugin.flags,
      ),
    ]
      .flat()
      .flatMap((flag) => [flag.flags, ...(flag.aliases ?? [])].map((spelling) => spelling.split(' ')[0]!)),
    ...DEMO_FLAGS,
  ]);
  const daemonRuns = blocks
    .filter((block) => block.language === 'sh')
    .flatMap((block) =>
      block.body
        .replace(/\\\n\s*/g, '')
        .split('\n')
        .filter(
          (line) =>
            /(npm start --|npm run start:\w+ --|node \S*main\.js)/.test(line) && !line.startsWith('#'),
        )
        .map((line) => [block.doc, line] as const),
    );

  it('has daemon command lines to check', () => {
    expect(daemonRuns.length).toBeGreaterThanOrEqual(3);
  });

  it.each(daemonRuns)('%s: %s uses only flags a daemon has', (doc, line) => {
    const args = line.split(/(?:npm start --|npm run start:\w+ --|node \S*main\.js)/)[1] ?? '';
    for (const flag of args.match(/--[a-z][a-z-]*/g) ?? []) {
      expect(known.has(flag), `${doc}: ${flag} is not a flag of any daemon here (in: ${line})`).toBe(true);
    }
  });
});

describe('the docs stand on their own', () => {
  it.each(ALL_DOCS)('%s names no file outside the repository', (doc) => {
    expect(read(doc)).not.toMatch(/\.\.\/(shared|\.library)\b/);
  });

  it.each(ALL_DOCS)('%s links only to files that exist', (doc) => {
    const base = new URL(doc, root);
    for (const [, target] of read(doc).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue; // http(s), mailto
      expect(existsSync(new URL(target!, base)), `${doc} links to ${target}, which does not exist`).toBe(
        true,
      );
    }
  });
});
