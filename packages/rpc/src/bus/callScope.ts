import { AsyncLocalStorage } from 'node:async_hooks';

/** The served call the current code runs in, so nested calls inherit its deadline. */
export const callScope = new AsyncLocalStorage<{ readonly deadline: number }>();
