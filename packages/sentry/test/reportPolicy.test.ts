import { OUTCOME_KINDS, type OutcomeKind } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { severityOf, shouldReport } from '../src/reportPolicy.js';

const reported = (kind: OutcomeKind, reportRetries: boolean, releasedAtShutdown = false): boolean =>
  shouldReport({ kind }, reportRetries, releasedAtShutdown);

describe('shouldReport', () => {
  it('reports failed and dead-lettered outcomes only, by default', () => {
    expect(OUTCOME_KINDS.filter((kind) => reported(kind, false))).toEqual(['failed', 'dead-lettered']);
  });

  it('adds retried outcomes with reportRetries', () => {
    expect(OUTCOME_KINDS.filter((kind) => reported(kind, true))).toEqual([
      'retried',
      'failed',
      'dead-lettered',
    ]);
  });

  it('never reports a message released at shutdown', () => {
    expect(reported('retried', true, true)).toBe(false);
  });
});

describe('severityOf', () => {
  it('is a warning for a retry, an error otherwise', () => {
    expect(severityOf({ kind: 'retried' })).toBe('warning');
    expect(severityOf({ kind: 'failed' })).toBe('error');
    expect(severityOf({ kind: 'dead-lettered' })).toBe('error');
  });
});
