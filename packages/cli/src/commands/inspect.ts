import { Option, type Command } from 'commander';
import { oneLineErrors } from '../ops/options.js';
import { print, printJson } from '../ops/render.js';
import { describeModule, moduleText, TRANSPORT_NAMES, type TransportName } from '../schema/describeApis.js';
import { loadApiModule } from '../schema/loadApiModule.js';
import type { AddCommand } from './index.js';

/** `switchyard inspect <module>`: the APIs a module's daemons serve and the places they use on a transport. */
export const addInspectCommand: AddCommand = (program: Command) => {
  oneLineErrors(program.command('inspect'))
    .description(
      "the bus APIs a module's daemons serve: methods (parameters → result, idempotent), events, and the queues, topics or subjects they use on a transport",
    )
    .argument(
      '<module>',
      'a built .js module (or a .ts one Node can run) that exports the daemon classes or API classes',
    )
    .addOption(
      new Option('--transport <name>', 'the transport whose names to show')
        .choices(TRANSPORT_NAMES)
        .default('memory'),
    )
    .option('--json', 'print one JSON document', false)
    .action(async (modulePath: string, flags: { transport: TransportName; json: boolean }) => {
      const view = describeModule(await loadApiModule('inspect', modulePath), flags.transport);
      if (flags.json) printJson(view);
      else print(moduleText(view));
    });
};
