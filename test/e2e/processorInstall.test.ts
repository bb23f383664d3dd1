import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { switchyard, spawnSwitchyard } from '../support/runSwitchyard.js';
import { until } from '../support/until.js';
import { projectDir, runProcessor, type RunningProcessor } from '../processor/support.js';

let processor: RunningProcessor | undefined;
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});

// A handler with a dependency from a local folder (file:), so npm needs no network.
const WITH_DEPENDENCY = {
  'package.json': JSON.stringify({
    name: 'handler',
    private: true,
    type: 'module',
    dependencies: { shout: 'file:./shout' },
  }),
  'shout/package.json': JSON.stringify({ name: 'shout', version: '1.0.0', type: 'module', main: 'index.js' }),
  'shout/index.js': 'export const shout = (text) => text.toUpperCase() + "!";\n',
  'handler.mjs':
    "import { shout } from 'shout';\nexport function handleEvent(context, data) { return shout(data.toString()); }\n",
};
const MEMORY = 'source:\n  kind: memory\n  queue: in\nsink:\n  kind: memory\n  queue: out\n';

describe("switchyard process: the handler's dependencies", () => {
  it('are installed from the package.json beside the handler before the workers start', async () => {
    const dir = projectDir(MEMORY, WITH_DEPENDENCY);
    processor = await runProcessor(dir, { env: { SWITCHYARD_DISABLE_NPM: 'false' } });
    expect(processor.install).toEqual({
      kind: 'installed',
      command: 'npm install --no-audit --no-fund --omit=dev',
    });
    expect(existsSync(join(dir, 'node_modules/shout/index.js'))).toBe(true);
  }, 120_000);

  it('are not installed with SWITCHYARD_DISABLE_NPM=true: the handler cannot load, the start says so', async () => {
    const dir = projectDir(MEMORY, WITH_DEPENDENCY);
    await expect(runProcessor(dir, { env: { SWITCHYARD_DISABLE_NPM: 'true' } })).rejects.toThrow(
      /cannot be used: .*shout/,
    );
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  it('--install-only installs and exits 0 (at build time, whatever SWITCHYARD_DISABLE_NPM says)', async () => {
    const dir = projectDir(MEMORY, WITH_DEPENDENCY);
    process.env.SWITCHYARD_DISABLE_NPM = 'true';
    try {
      const result = await switchyard('process', join(dir, 'config.yaml'), '--install-only');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('installed with npm install');
    } finally {
      delete process.env.SWITCHYARD_DISABLE_NPM;
    }
    expect(existsSync(join(dir, 'node_modules/shout/index.js'))).toBe(true);
    // The image then runs with installs off: the handler loads from what was installed.
    processor = await runProcessor(dir, { env: { SWITCHYARD_DISABLE_NPM: 'true' } });
    expect(processor.install.kind).toBe('none');
  }, 120_000);
});

describe('switchyard process: SIGTERM', () => {
  it('drains the pool: every request in a worker gets its answer, then the process exits 0', async () => {
    const dir = projectDir(
      `
processor:
  workers: 2
source:
  kind: http
  port: 0
  host: 127.0.0.1
  path: /
sink:
  kind: none
`,
      {
        'handler.mjs':
          'export async function handleEvent(context, data) {\n  await new Promise((resolve) => setTimeout(resolve, 2000));\n  return "done " + data.toString();\n}\n',
      },
    );
    // port 0 cannot be read from outside: the config's port is set to a free one.
    const { freePort } = await import('../servers/freePort.js');
    const port = await freePort();
    const child = spawnSwitchyard(['process', join(dir, 'config.yaml'), '--set', `source.port=${port}`]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.resume();
    try {
      await until(
        'the HTTP source answers',
        async () => {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
          const response = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
          return response?.status === 405;
        },
        60_000,
      );
      const answers = [1, 2].map((index) =>
        fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: `m${index}` }).then(async (response) => ({
          status: response.status,
          text: await response.text(),
        })),
      );
      await new Promise((resolve) => setTimeout(resolve, 500)); // both are in a worker now
      child.kill('SIGTERM');
      expect((await Promise.all(answers)).sort((a, b) => a.text.localeCompare(b.text))).toEqual([
        { status: 200, text: 'done m1' },
        { status: 200, text: 'done m2' },
      ]);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, stderr).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
