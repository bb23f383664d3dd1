import { compareApiSchemas } from '@switchyard/rpc';
import type { Command } from 'commander';
import { CliError } from '../CliError.js';
import { oneLineErrors } from '../ops/options.js';
import { printJson } from '../ops/render.js';
import { readSchemaFile } from '../schema/schemaFile.js';
import type { AddCommand } from './index.js';

/** `switchyard schema check old.json new.json`: for CI, exit 1 when the new schema breaks the old one's users. */
export const addSchemaCheckCommand: AddCommand = (program: Command) => {
  const schema = program.command('schema').description('bus API schemas (see dump-schema)');
  oneLineErrors(schema.command('check'))
    .description(
      'compare two dump-schema documents: one line per change (BREAKING or compatible, with its path); exit 1 when any change breaks callers of the old version (parameters narrowed, fields or methods removed) or its clients and listeners (results and payloads widened or removed)',
    )
    .argument('<old>', 'the schema document of the version in use (dump-schema --out)')
    .argument('<new>', 'the schema document of the version to release')
    .option('--json', 'print one JSON document { breaking: [...], compatible: [...] }', false)
    .action((oldPath: string, newPath: string, flags: { json: boolean }) => {
      const changes = compareApiSchemas(
        readSchemaFile('schema check', oldPath),
        readSchemaFile('schema check', newPath),
      );
      const breaking = changes.filter((change) => change.breaking);
      const compatible = changes.filter((change) => !change.breaking);
      if (flags.json) {
        const entry = ({ path, message }: { path: string; message: string }) => ({ path, message });
        printJson({ breaking: breaking.map(entry), compatible: compatible.map(entry) });
      } else {
        for (const change of changes)
          process.stdout.write(
            `${change.breaking ? 'BREAKING  ' : 'compatible'} ${change.path}: ${change.message}\n`,
          );
        process.stdout.write(
          changes.length === 0
            ? 'no changes\n'
            : `${breaking.length} breaking, ${compatible.length} compatible\n`,
        );
      }
      if (breaking.length > 0)
        throw new CliError(
          `schema check: ${breaking.length} breaking change${breaking.length === 1 ? '' : 's'} from ${oldPath} to ${newPath}`,
        );
    });
};
