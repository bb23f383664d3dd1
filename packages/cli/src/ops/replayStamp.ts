import { userInfo } from 'node:os';

/** Attributes / headers a replayed message carries (an earlier replay's are replaced). */
export const REPLAY_ATTRIBUTES = {
  /** When it was replayed (ISO 8601, UTC). */
  at: 'x-replayed-at',
  /** Who replayed it (`--actor`, default the OS user). */
  by: 'x-replayed-by',
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
