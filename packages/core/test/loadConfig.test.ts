import 'reflect-metadata';
import { IsArray, IsBoolean, IsInt, IsObject, IsString, IsUrl, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { configSection, secret, type ConfigClass } from '../src/config/configSection.js';
import { ConsumerConfig } from '../src/config/ConsumerConfig.js';
import { parseCli } from '../src/daemon/cli.js';
import { DaemonConfig } from '../src/config/DaemonConfig.js';
import { loadConfig, type ConfigSources } from '../src/config/loadConfig.js';
import { ErrorCodes } from '../src/errors/codes.js';
import { thrownBy } from './support/thrownBy.js';

@configSection('consumer')
class ConsumerSection {
  @IsInt() @Min(1) maxAttempts = 5;
  @IsBoolean() enabled = true;
  @IsArray() @IsString({ each: true }) tags: string[] = ['default'];
  @IsObject() labels: Record<string, string> = {};
  @IsString() region = 'eu-west-1';
}

@configSection('greeter')
class GreeterSection {
  /** Required: no default. */
  @IsString() greeting!: string;
}

@configSection('vault')
class VaultSection {
  @secret() @IsUrl() dsn = 'https://vault.example.com';
  @secret() @IsInt() pin = 1234;
  @IsString() user = 'admin';
}

const DAEMON = 'simple-consumer';
const MAX_ATTEMPTS_ENV = 'SIMPLE_CONSUMER__CONSUMER__MAX_ATTEMPTS';

function fromCli(assignments: Record<string, string>): ConfigSources['cli'] {
  return new Map(Object.entries(assignments).map(([key, value]) => [key, { value, flag: `--set ${key}` }]));
}

function load(sources: Partial<ConfigSources>, sections: ConfigClass[] = [ConsumerSection]) {
  return loadConfig(sections, { daemonName: DAEMON, env: {}, dotenv: {}, cli: new Map(), ...sources });
}

describe('loadConfig: sources and precedence', () => {
  it('uses the field initializers as defaults when no source sets a key', () => {
    const config = load({}).get(ConsumerSection);
    expect(config).toBeInstanceOf(ConsumerSection);
    expect(config).toMatchObject({
      maxAttempts: 5,
      enabled: true,
      tags: ['default'],
      labels: {},
      region: 'eu-west-1',
    });
  });

  it('reads a key from the environment variable <DAEMON>__<SECTION>__<KEY>', () => {
    expect(load({ env: { [MAX_ATTEMPTS_ENV]: '7' } }).get(ConsumerSection).maxAttempts).toBe(7);
  });

  it('.env beats the default', () => {
    expect(load({ dotenv: { [MAX_ATTEMPTS_ENV]: '2' } }).get(ConsumerSection).maxAttempts).toBe(2);
  });

  it('the environment beats .env', () => {
    const config = load({ dotenv: { [MAX_ATTEMPTS_ENV]: '2' }, env: { [MAX_ATTEMPTS_ENV]: '3' } });
    expect(config.get(ConsumerSection).maxAttempts).toBe(3);
  });

  it('the command line beats the environment and .env', () => {
    const config = load({
      dotenv: { [MAX_ATTEMPTS_ENV]: '2' },
      env: { [MAX_ATTEMPTS_ENV]: '3' },
      cli: fromCli({ 'consumer.maxAttempts': '4' }),
    });
    expect(config.get(ConsumerSection).maxAttempts).toBe(4);
  });

  it('ignores environment variables that are set to undefined', () => {
    expect(load({ env: { [MAX_ATTEMPTS_ENV]: undefined } }).get(ConsumerSection).maxAttempts).toBe(5);
  });

  it('returns frozen sections', () => {
    const config = load({}).get(ConsumerSection);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('get() of a section that was not loaded throws', () => {
    expect(() => load({}).get(GreeterSection)).toThrow(/GreeterSection was not loaded/);
  });
});

describe('loadConfig: coercion to the declared type', () => {
  it('"false" → false for a boolean key', () => {
    const config = load({ env: { SIMPLE_CONSUMER__CONSUMER__ENABLED: 'false' } });
    expect(config.get(ConsumerSection).enabled).toBe(false);
  });

  it('"30" → 30 for a number key', () => {
    expect(load({ env: { [MAX_ATTEMPTS_ENV]: '30' } }).get(ConsumerSection).maxAttempts).toBe(30);
  });

  it('"a,b" → ["a", "b"] for an array key', () => {
    const config = load({ env: { SIMPLE_CONSUMER__CONSUMER__TAGS: 'a, b' } });
    expect(config.get(ConsumerSection).tags).toEqual(['a', 'b']);
  });

  it('JSON text → object for an object key', () => {
    const config = load({ env: { SIMPLE_CONSUMER__CONSUMER__LABELS: '{"team":"core","tier":"1"}' } });
    expect(config.get(ConsumerSection).labels).toEqual({ team: 'core', tier: '1' });
  });

  it('coerces the keys of the built-in sections, whose fields have no type annotations', () => {
    const env = {
      SIMPLE_CONSUMER__CONSUMER__CONCURRENCY: '30',
      SIMPLE_CONSUMER__CONSUMER__OPAQUE_DATA_KEYS: 'x-a,x-b',
      SIMPLE_CONSUMER__DAEMON__TESTING: 'true',
    };
    const config = load({ env }, [ConsumerConfig, DaemonConfig]);
    expect(config.get(ConsumerConfig).concurrency).toBe(30);
    expect(config.get(ConsumerConfig).opaqueDataKeys).toEqual(['x-a', 'x-b']);
    expect(config.get(DaemonConfig).testing).toBe(true);
  });

  it('keeps strings as they are', () => {
    const config = load({ cli: fromCli({ 'consumer.region': 'us-east-2' }) });
    expect(config.get(ConsumerSection).region).toBe('us-east-2');
  });
});

describe('loadConfig: invalid and missing values', () => {
  it('a value that is not the declared type names the key and the environment variable', () => {
    const error = thrownBy(() => load({ env: { [MAX_ATTEMPTS_ENV]: 'many' } }));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('consumer.maxAttempts');
    expect(error.message).toContain(MAX_ATTEMPTS_ENV);
    expect(error.message).toContain('expected a number');
  });

  it('a value breaking a validation rule names the key and the environment variable to set', () => {
    const error = thrownBy(() => load({ env: { [MAX_ATTEMPTS_ENV]: '0' } }));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('consumer.maxAttempts');
    expect(error.message).toContain(`set ${MAX_ATTEMPTS_ENV}`);
  });

  it('an invalid value given on the command line names the key and the flag', () => {
    const error = thrownBy(() => load({ cli: fromCli({ 'consumer.enabled': 'maybe' }) }));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('consumer.enabled');
    expect(error.message).toContain('consumer.enabled = "maybe" from --set consumer.enabled: expected');
  });

  it('a required key (no initializer) that no source sets names the key and the environment variable', () => {
    const error = thrownBy(() => load({}, [GreeterSection]));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('greeter.greeting');
    expect(error.message).toContain('SIMPLE_CONSUMER__GREETER__GREETING');
  });

  it('a required key is satisfied by any source', () => {
    const config = load({ dotenv: { SIMPLE_CONSUMER__GREETER__GREETING: 'hello' } }, [GreeterSection]);
    expect(config.get(GreeterSection).greeting).toBe('hello');
  });

  it('reports every problem at once', () => {
    const error = thrownBy(() =>
      load({ env: { [MAX_ATTEMPTS_ENV]: '0', SIMPLE_CONSUMER__CONSUMER__ENABLED: 'maybe' } }, [
        ConsumerSection,
        GreeterSection,
      ]),
    );
    expect(error.message).toContain('consumer.maxAttempts');
    expect(error.message).toContain('consumer.enabled');
    expect(error.message).toContain('greeter.greeting');
  });
});

describe('loadConfig: unknown keys', () => {
  it('a misspelt key in the environment is an error naming the variable', () => {
    const error = thrownBy(() => load({ env: { SIMPLE_CONSUMER__CONSUMER__MAX_ATEMPTS: '3' } }));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('SIMPLE_CONSUMER__CONSUMER__MAX_ATEMPTS');
  });

  it('a misspelt key in .env is an error naming the variable', () => {
    const error = thrownBy(() => load({ dotenv: { SIMPLE_CONSUMER__CONSUMR__MAX_ATTEMPTS: '3' } }));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('SIMPLE_CONSUMER__CONSUMR__MAX_ATTEMPTS');
  });

  it('a misspelt key on the command line is an error naming the flag', () => {
    const error = thrownBy(() => load({ cli: fromCli({ 'consumer.maxAtempts': '3' }) }));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('consumer.maxAtempts');
  });

  it('ignores variables outside the daemon prefix', () => {
    const env = {
      PATH: '/usr/bin',
      OTHER_DAEMON__CONSUMER__MAX_ATTEMPTS: '1',
      SIMPLE__CONSUMER__MAX_ATTEMPTS: '1',
      SIMPLE_CONSUMER_MAX_ATTEMPTS: '1',
    };
    expect(load({ env }).get(ConsumerSection).maxAttempts).toBe(5);
  });
});

describe('LoadedConfig.describe', () => {
  it('lists every section and key, with @secret() keys redacted', () => {
    const config = load({ env: { SIMPLE_CONSUMER__VAULT__DSN: 'https://user:hunter2@vault.example.com' } }, [
      ConsumerSection,
      VaultSection,
    ]);
    const described = config.describe();
    expect(described.vault).toEqual({ dsn: '[redacted]', pin: '[redacted]', user: 'admin' });
    expect(described.consumer).toMatchObject({ maxAttempts: 5, region: 'eu-west-1' });
    expect(JSON.stringify(described)).not.toContain('hunter2');
  });

  it('does not redact the secret in the section itself', () => {
    const config = load({ env: { SIMPLE_CONSUMER__VAULT__DSN: 'https://user:hunter2@vault.example.com' } }, [
      VaultSection,
    ]);
    expect(config.get(VaultSection).dsn).toBe('https://user:hunter2@vault.example.com');
  });

  it('an invalid secret value is not repeated in the error message', () => {
    const error = thrownBy(() =>
      load({ env: { SIMPLE_CONSUMER__VAULT__DSN: 'hunter2-is-not-a-url' } }, [VaultSection]),
    );
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('vault.dsn');
    expect(error.message).not.toContain('hunter2');
  });

  it('a secret value of the wrong type is not repeated in the error message', () => {
    const error = thrownBy(() => load({ env: { SIMPLE_CONSUMER__VAULT__PIN: 'hunter2' } }, [VaultSection]));
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain('vault.pin');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('secrets given with --set', () => {
  // Through the real parser: what it records as the source is what the errors print.
  const loadWithSet = (assignment: string) =>
    thrownBy(() => load({ cli: parseCli(DAEMON, ['--set', assignment], []).config }, [VaultSection]));

  it('a secret value of the wrong type names the key and the flag, not the value', () => {
    const error = loadWithSet('vault.pin=hunter2');
    expect(error.message).toContain('vault.pin = "[redacted]" from --set vault.pin: expected a number');
    expect(error.message).not.toContain('hunter2');
  });

  it('a secret value breaking a rule names the key, not the value', () => {
    const error = loadWithSet('vault.dsn=hunter2-is-not-a-url');
    expect(error.message).toContain('vault.dsn');
    expect(error.message).not.toContain('hunter2');
  });

  it('a misspelt secret key names the flag and key, not the value', () => {
    const error = loadWithSet('vault.dns=https://user:hunter2@vault.example.com');
    expect(error.message).toContain('--set vault.dns: "vault.dns" is not a config key');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('configSection', () => {
  it.each(['my-section', 'Consumer', '1st', ''])('refuses the section name %j', (name) => {
    expect(thrownBy(() => configSection(name)).code).toBe(ErrorCodes.DECORATOR_MISUSE);
  });

  it('a class without @configSection cannot be loaded', () => {
    class Undecorated {
      @IsInt() size = 1;
    }
    const error = thrownBy(() => load({}, [Undecorated]));
    expect(error.code).toBe(ErrorCodes.DECORATOR_MISUSE);
    expect(error.message).toContain('Undecorated');
  });
});

describe('unknown keys: the nearest key, or the section the daemon forgot to list', () => {
  // Declared (imported) but not loaded by the daemon in these tests.
  @configSection('payments')
  class PaymentsSection {
    @IsString() apiUrl = 'https://pay.example.com';
  }
  const sections = [DaemonConfig, ConsumerConfig, GreeterSection];
  const greeter = { SIMPLE_CONSUMER__GREETER__GREETING: 'hello' };
  const problem = (sources: Partial<ConfigSources>): string =>
    thrownBy(() => load({ ...sources, env: { ...greeter, ...sources.env } }, sections)).message;

  it('--set with a typo says "did you mean" the nearest key, and does not list every key', () => {
    const message = problem({ cli: fromCli({ 'consumer.concurency': '4' }) });
    expect(message).toBe(
      'invalid config: --set consumer.concurency: "consumer.concurency" is not a config key; did you mean consumer.concurrency?',
    );
  });

  it('an environment variable with a typo names the nearest variable and its key', () => {
    const message = problem({ env: { SIMPLE_CONSUMER__CONSUMER__MAX_ATEMPTS: '3' } });
    expect(message).toBe(
      'invalid config: environment SIMPLE_CONSUMER__CONSUMER__MAX_ATEMPTS is not a config key of this daemon; ' +
        'did you mean SIMPLE_CONSUMER__CONSUMER__MAX_ATTEMPTS (consumer.maxAttempts)?',
    );
  });

  it('a .env key with a typo says "did you mean" too', () => {
    expect(problem({ dotenv: { SIMPLE_CONSUMER__DAEMON__LOG_LEVLE: 'debug' } })).toContain(
      '.env SIMPLE_CONSUMER__DAEMON__LOG_LEVLE is not a config key of this daemon; did you mean SIMPLE_CONSUMER__DAEMON__LOG_LEVEL (daemon.logLevel)?',
    );
  });

  it('a key far from every key lists the keys of its section only', () => {
    const message = problem({ cli: fromCli({ 'greeter.somethingElse': 'x' }) });
    expect(message).toBe(
      'invalid config: --set greeter.somethingElse: "greeter.somethingElse" is not a config key; the greeter section\'s keys are greeting',
    );
  });

  it('a key of a section the daemon does not list in configSections says so, and the fix', () => {
    const fix =
      'the section "payments" exists (PaymentsSection) but the daemon does not list it in configSections; ' +
      "add PaymentsSection to the daemon's configSections (or list the transport or plugin that brings it)";
    expect(PaymentsSection.name).toBe('PaymentsSection');
    expect(problem({ cli: fromCli({ 'payments.apiUrl': 'https://x' }) })).toBe(
      `invalid config: --set payments.apiUrl: "payments.apiUrl" is not a config key of this daemon: ${fix}`,
    );
    expect(problem({ env: { SIMPLE_CONSUMER__PAYMENTS__API_URL: 'https://x' } })).toBe(
      `invalid config: environment SIMPLE_CONSUMER__PAYMENTS__API_URL is not a config key of this daemon: ${fix}`,
    );
  });

  it('a section nobody declares lists the sections the daemon has', () => {
    expect(problem({ cli: fromCli({ 'nosuchthing.key': '1' }) })).toBe(
      'invalid config: --set nosuchthing.key: "nosuchthing.key" is not a config key; the daemon\'s sections are daemon, consumer, greeter',
    );
  });
});
