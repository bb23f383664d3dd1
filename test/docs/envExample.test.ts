import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConsumerConfig, DaemonConfig, envVarName, MemoryConfig, type ConfigClass } from '@switchyard/core';
import { KafkaConfig } from '@switchyard/kafka';
import { HealthConfig } from '@switchyard/observability';
import { SentryConfig } from '@switchyard/sentry';
import { RoutingConfig } from '@switchyard/routing';
import { SqsConfig } from '@switchyard/sqs';
import { getMetadataStorage } from 'class-validator';
import { STOP_NAMES } from '../../apps/demo/src/pipeline.js';

// Every section the example daemon (apps/simple) loads: core's, its transports' and its plugins'.
const SECTIONS: Array<[string, ConfigClass]> = [
  ['daemon', DaemonConfig],
  ['consumer', ConsumerConfig],
  ['memory', MemoryConfig],
  ['sqs', SqsConfig],
  ['kafka', KafkaConfig],
  ['health', HealthConfig],
  ['sentry', SentryConfig],
];

function keysOf(section: ConfigClass): string[] {
  const declared = getMetadataStorage()
    .getTargetValidationMetadatas(section, '', true, false)
    .map((metadata) => metadata.propertyName);
  return [...new Set([...Object.keys(new section()), ...declared])];
}

describe('.env.example', () => {
  const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  const unlisted = (daemon: string, sections: Array<[string, ConfigClass]>): string[] =>
    sections.flatMap(([name, section]) =>
      keysOf(section)
        .map((key) => envVarName(daemon, name, key))
        .filter((variable) => !new RegExp(`^#? ?${variable}=`, 'm').test(example)),
    );

  it('lists every config key of the example daemon', () => {
    expect(unlisted('simple-consumer', SECTIONS)).toEqual([]);
  });

  // `npm start` runs the demo: its stops are daemons with the same sections plus routing.
  it("names the demo's stop daemons and lists the routing keys they add", () => {
    for (const stop of STOP_NAMES) expect(example).toContain(stop);
    expect(unlisted('contactpoint', [['routing', RoutingConfig]])).toEqual([]);
  });
});
