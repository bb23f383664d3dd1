import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'] as const;

/** `handlerPath/moduleName` with the first extension that exists (or the one `moduleName` names). */
export function resolveHandlerFile(handlerPath: string, moduleName: string): string {
  const candidates = EXTENSIONS.includes(extname(moduleName) as (typeof EXTENSIONS)[number])
    ? [join(handlerPath, moduleName)]
    : EXTENSIONS.map((extension) => join(handlerPath, `${moduleName}${extension}`));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined)
    throw new Error(
      `no handler module: tried ${candidates.join(', ')}; fix: set processor.handlerPath (the folder, relative to config.yaml) and processor.moduleName (default handler)`,
    );
  return found;
}
