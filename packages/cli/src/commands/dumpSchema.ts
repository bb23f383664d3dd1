import { writeFileSync } from 'node:fs';
import { apiJsonSchema } from '@switchyard/rpc';
import type { Command } from 'commander';
import { CliError } from '../CliError.js';
import { oneLineErrors } from '../ops/options.js';
import { loadApiModule } from '../schema/loadApiModule.js';
import type { AddCommand } from './index.js';

/** `switchyard dump-schema <module>`: the JSON Schema of every bus API a module exports or serves. */
export const addDumpSchemaCommand: AddCommand = (program: Command) => {
  oneLineErrors(program.command('dump-schema'))
    .description(
      "the JSON Schema of the bus APIs a module exports (@api classes) or serves (its ApiDaemons' apis), as one document: { apis: { <name>: <schema> } }",
    )
    .argument('<module>', 'a built .js module (or a .ts one Node can run) that exports the classes')
    .option('--out <file>', 'write the document to this file instead of standard output')
    .action(async (modulePath: string, flags: { out?: string }) => {
      const { apis } = await loadApiModule('dump-schema', modulePath);
      const document = {
        apis: Object.fromEntries([...apis].map(([name, apiClass]) => [name, apiJsonSchema(apiClass)])),
      };
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(flags.out, text);
      } catch (error) {
        throw new CliError(`dump-schema: cannot write ${flags.out}: ${(error as Error).message}`);
      }
      process.stdout.write(
        `wrote the schema of ${apis.size} API${apis.size === 1 ? '' : 's'} (${[...apis.keys()].join(', ')}) to ${flags.out}\n`,
      );
    });
};
