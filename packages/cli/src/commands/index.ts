import type { Command } from 'commander';
import { addDlqCommand } from './dlq.js';
import { addDumpSchemaCommand } from './dumpSchema.js';
import { addInitCommand } from './init.js';
import { addInspectCommand } from './inspect.js';
import { addLagCommand } from './lag.js';
import { addProcessCommand } from './process.js';
import { addSchemaCheckCommand } from './schemaCheck.js';
import { addTailCommand } from './tail.js';

/** Adds one subcommand (with its options and action) to the `switchyard` program. */
export type AddCommand = (program: Command) => void;

/** Every subcommand of `switchyard`, in the order `--help` lists them. */
export const COMMANDS: readonly AddCommand[] = [
  addInitCommand,
  addProcessCommand,
  addDlqCommand,
  addTailCommand,
  addLagCommand,
  addDumpSchemaCommand,
  addSchemaCheckCommand,
  addInspectCommand,
];
