import { wait } from '@switchyard/core';

/**
 * `--rate`: returns a function to await before sending `count` messages, so that on average no more
 * than `perSecond` go out (no limit when undefined).
 */
export function pacer(perSecond: number | undefined, signal: AbortSignal): (count: number) => Promise<void> {
  if (perSecond === undefined) return async () => {};
  const started = Date.now();
  let sent = 0;
  return async (count) => {
    const due = started + (sent / perSecond) * 1000;
    const delay = due - Date.now();
    if (delay > 0) await wait(delay, signal);
    sent += count;
  };
}
