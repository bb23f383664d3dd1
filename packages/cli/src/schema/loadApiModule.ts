import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiDaemon, apiMetadata, type ApiClass } from '@switchyard/rpc';
import { CliError } from '../CliError.js';

/** A daemon the module exports (its class, or an instance) and the APIs it lists in `apis`. */
export interface ExportedDaemon {
  readonly exportName: string;
  readonly daemon: ApiDaemon;
}

export interface ApiModule {
  readonly path: string;
  readonly daemons: readonly ExportedDaemon[];
  /** Every API: those exported as `@api` classes and those the daemons list, by API name. */
  readonly apis: ReadonlyMap<string, ApiClass>;
}

/**
 * Imports a module (a built .js, or a .ts when Node can run it) and finds its bus APIs: exported
 * `@api` classes and exported `ApiDaemon` subclasses or instances (their `apis`). Importing runs the
 * module: give the one that exports the classes, not an entry point that starts the daemon.
 */
export async function loadApiModule(command: string, modulePath: string): Promise<ApiModule> {
  const path = resolve(modulePath);
  if (!existsSync(path)) throw new CliError(`${command}: ${modulePath}: no such file`);
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const hint =
      /\.[cm]?ts$/.test(path) && error instanceof SyntaxError
        ? ' (Node strips TypeScript types but does not run decorators: build the module with tsc and give the .js)'
        : '';
    throw new CliError(`${command}: cannot load ${modulePath}: ${reason}${hint}`);
  }
  const daemons: ExportedDaemon[] = [];
  const apis = new Map<string, ApiClass>();
  const addApi = (apiClass: ApiClass, where: string): void => {
    const { name } = apiMetadata(apiClass);
    const existing = apis.get(name);
    if (existing !== undefined && existing !== apiClass)
      throw new CliError(
        `${command}: ${modulePath}: two classes name the API "${name}": ${existing.name} and ${apiClass.name} (${where}); export one`,
      );
    apis.set(name, apiClass);
  };
  for (const exportName of Object.keys(exported).sort()) {
    const value = exported[exportName];
    if (isApiClass(value)) addApi(value, `export ${exportName}`);
    const daemon = daemonOf(command, modulePath, exportName, value);
    // An exported abstract base has no name of its own: it is not a daemon anyone runs.
    if (daemon === undefined || typeof daemon.name !== 'string') continue;
    daemons.push({ exportName, daemon });
    for (const apiClass of daemon.apis) addApi(apiClass, `in ${daemon.name}'s apis`);
  }
  if (apis.size === 0)
    throw new CliError(
      `${command}: ${modulePath} exports no bus API: looked for exported @api("<name>") classes and exported ApiDaemon subclasses (or instances) that list apis; its exports: ${Object.keys(exported).sort().join(', ') || 'none'}`,
    );
  return { path, daemons, apis: new Map([...apis].sort(([a], [b]) => a.localeCompare(b))) };
}

function isApiClass(value: unknown): value is ApiClass {
  if (typeof value !== 'function') return false;
  try {
    apiMetadata(value as ApiClass);
    return true;
  } catch {
    return false;
  }
}

/** An exported daemon instance, or an instance of an exported daemon class (its constructor takes nothing). */
function daemonOf(
  command: string,
  modulePath: string,
  exportName: string,
  value: unknown,
): ApiDaemon | undefined {
  if (value instanceof ApiDaemon) return value;
  if (typeof value !== 'function' || !(value.prototype instanceof ApiDaemon)) return undefined;
  try {
    return new (value as new () => ApiDaemon)();
  } catch (error) {
    // An abstract base class throws nothing at run time; a constructor that needs arguments may.
    throw new CliError(
      `${command}: ${modulePath}: new ${exportName}() throws (${error instanceof Error ? error.message : String(error)}); export an instance instead`,
    );
  }
}
