import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConsumerConfig, DaemonConfig, envVarName, MemoryConfig, type ConfigClass } from '@switchyard/core';
import { KafkaConfig } from '@switchyard/kafka';
import { HealthConfig } from '@switchyard/observability';
import { SqsConfig } from '@switchyard/sqs';
import { getMetadataStorage } from 'class-validator';

// Every section the example daemon (apps/simple) loads: core's, its transports' and its plugin's.
const SECTIONS: Array<[string, ConfigClass]> = [
  ['daemon', DaemonConfig],
  ['consumer', ConsumerConfig],
  ['memory', MemoryConfig],
  ['sqs', SqsConfig],
  ['kafka', KafkaConfig],
  ['health', HealthConfig],
];

function keysOf(section: ConfigClass): string[] {
  const declared = getMetadataStorage()
    .getTargetValidationMetadatas(section, '', true, false)
    .map((metadata) => metadata.propertyName);
  return [...new Set([...Object.keys(new section()), ...declared])];
}

describe('.env.example', () => {
  it('lists every config key of the example daemon', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const missing = SECTIONS.flatMap(([name, section]) =>
      keysOf(section)
        .map((key) => envVarName('simple-consumer', name, key))
        .filter((variable) => !new RegExp(`^#? ?${variable}=`, 'm').test(example)),
    );
    expect(missing).toEqual([]);
  });
});
