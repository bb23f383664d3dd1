import { describe, expect, it } from 'vitest';
import type { Outcome, RecordedOutcome } from '@switchyard/core';
import { OutcomeHistory } from '../src/console/OutcomeHistory.js';

const outcome = (kind: Outcome['kind'], handler?: string): RecordedOutcome => ({
  messageId: 'm',
  handler,
  outcome: { kind },
});

describe('OutcomeHistory', () => {
  it('counts outcomes per handler per second, oldest first, and forgets what is older than its window', () => {
    let now = 1_000_000;
    const history = new OutcomeHistory(5, () => now);
    history.record(outcome('succeeded', 'A'));
    history.record(outcome('succeeded', 'A'));
    now += 1000;
    history.record(outcome('failed', 'A'));
    history.record(outcome('dead-lettered'));
    expect(history.series()).toEqual({
      start: 1000 - 4 + 1,
      seconds: 5,
      handlers: {
        A: { succeeded: [0, 0, 0, 2, 0], failed: [0, 0, 0, 0, 1] },
        '(no handler)': { 'dead-lettered': [0, 0, 0, 0, 1] },
      },
    });
    now += 4000; // the first second left the window; its slot is reused
    history.record(outcome('succeeded', 'A'));
    expect(history.series().handlers['A']).toEqual({ succeeded: [0, 0, 0, 0, 1], failed: [1, 0, 0, 0, 0] });
    now += 10_000;
    expect(history.series().handlers['A']).toEqual({});
  });
});
