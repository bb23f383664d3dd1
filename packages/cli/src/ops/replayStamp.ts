import { userInfo } from 'node:os';
import { REPLAY_ATTRIBUTES as CORE_REPLAY_ATTRIBUTES } from '@switchyard/core';

/** Attributes / headers a replayed message carries (an earlier replay's are replaced). */
export const REPLAY_ATTRIBUTES = {
  /** `x-replayed-at` (ISO 8601, UTC) and `x-replayed-by` (`--actor`, default the OS user), as the console writes them. */
  ...CORE_REPLAY_ATTRIBUTES,
  /** The dead-letter queue or topic it was replayed from. */
  from: 'x-replayed-from',
} as const;

export function replayStamp(actor: string, from: string, now = new Date()): Record<string, string> {
  return {
    [REPLAY_ATTRIBUTES.at]: now.toISOString(),
    [REPLAY_ATTRIBUTES.by]: actor,
    [REPLAY_ATTRIBUTES.from]: from,
  };
}

/** The OS user, else `$USER`, else `unknown`. */
export function defaultActor(): string {
  try {
    return userInfo().username || process.env['USER'] || 'unknown';
  } catch {
    return process.env['USER'] || 'unknown';
  }
}
