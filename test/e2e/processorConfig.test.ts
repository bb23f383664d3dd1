import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { switchyard } from '../support/runSwitchyard.js';
import { handlerModule, projectDir } from '../processor/support.js';

const HANDLER = { 'handler.mjs': handlerModule('return data;') };

/** `switchyard process` on a config.yaml with this text; its exit code and stderr. */
async function processWith(
  config: string,
  files: Record<string, string> = HANDLER,
  ...flags: string[]
): Promise<{ code: number; stderr: string; stdout: string }> {
  const dir = projectDir(config, files);
  return switchyard('process', join(dir, 'config.yaml'), ...flags);
}

const MEMORY = 'source:\n  kind: memory\nsink:\n  kind: none\n';

describe('switchyard process: config errors name the YAML path and the fix, exit 1', () => {
  it('a misspelt key: its path and line, and the key it probably meant', async () => {
    const result = await processWith(`processor:\n  wokers: 2\n${MEMORY}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'processor.wokers (line 2): unknown key; fix: did you mean workers? (known here: handlerPath, moduleName, workers,',
    );
  });

  it('a wrong type', async () => {
    const result = await processWith(`processor:\n  workers: two\n${MEMORY}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'processor.workers (line 2): expected integer, got string "two"; fix: write a number, e.g. 2',
    );
  });

  it("a missing value, with an example from the schema, and a kind's key on another kind", async () => {
    const result = await processWith(
      'source:\n  kind: kafka\n  topics: [in]\n  queueUrl: x\nsink:\n  kind: none\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('source.brokers (line 2): missing; fix: add brokers: ["localhost:9092"]');
    expect(result.stderr).toContain('source.queueUrl (line 4): unknown key; fix: remove it');
  });

  it('a value outside its set, and a missing section', async () => {
    const result = await processWith('source:\n  kind: rabbit\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'source.kind (line 2): "rabbit" is not allowed; fix: use one of "kafka", "sqs", "nats", "http", "memory"',
    );
    expect(result.stderr).toContain('sink (line 1): missing; fix: add sink:');
  });

  it('an unset ${VAR} names the variable and how to give a default', async () => {
    const result = await processWith(
      'processor:\n  workers: ${PROCESSOR_TEST_UNSET_WORKERS}\nsource:\n  kind: memory\nsink:\n  kind: none\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'processor.workers: ${PROCESSOR_TEST_UNSET_WORKERS} is not set; fix: set the environment variable PROCESSOR_TEST_UNSET_WORKERS, or give a default: ${PROCESSOR_TEST_UNSET_WORKERS:-value}',
    );
  });

  it('broken YAML names the line and column', async () => {
    const result = await processWith('source:\n  kind: memory\n sink: [\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line \d+, column \d+: .*; fix: correct the YAML syntax there/);
  });

  it('a missing file', async () => {
    const result = await switchyard('process', '/nonexistent/config.yaml');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('/nonexistent/config.yaml is invalid:');
    expect(result.stderr).toContain('no such file; fix: pass the path of the config');
  });

  it('a handler module that is not there names the files tried and the keys to set', async () => {
    const result = await processWith(`processor:\n  moduleName: nope\n${MEMORY}`, {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no handler module: tried ');
    expect(result.stderr).toContain('nope.js');
    expect(result.stderr).toContain('fix: set processor.handlerPath');
  });

  it('a handler without handleEvent, and one that throws while loading', async () => {
    const without = await processWith(MEMORY, { 'handler.mjs': 'export const other = 1;\n' });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain(
      'exports no handleEvent (it exports: other); fix: export async function',
    );
    const throwing = await processWith(MEMORY, {
      'handler.mjs': "throw new Error('cannot load the model');\n",
    });
    expect(throwing.code).toBe(1);
    expect(throwing.stderr).toContain('cannot be used: Error: cannot load the model');
  });

  it('--set edits the YAML before it is checked (and is checked as the YAML is)', async () => {
    const result = await processWith(MEMORY, HANDLER, '--set', 'processor.workers=0');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('processor.workers');
    expect(result.stderr).toContain('fix: use a value >= 1');
  });

  it('--print-config-schema prints the JSON Schema and exits 0', async () => {
    const result = await switchyard('process', '--print-config-schema');
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { title: string; required: string[] };
    expect(schema.title).toBe('switchyard process config.yaml');
    expect(schema.required).toEqual(['source', 'sink']);
  });
});
