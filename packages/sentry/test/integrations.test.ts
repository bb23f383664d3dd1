import { describe, expect, it } from 'vitest';
import { integrationsWithoutDedupe } from '../src/integrations.js';

const integration = (name: string) => ({ name });
const defaults = [integration('Console'), integration('Dedupe'), integration('Http')];
const names = (list: Array<{ name: string }>): string[] => list.map((each) => each.name);

describe('integrationsWithoutDedupe', () => {
  it('drops Dedupe from the defaults', () => {
    expect(names(integrationsWithoutDedupe(undefined)(defaults))).toEqual(['Console', 'Http']);
  });

  it('appends a list of the user’s integrations', () => {
    expect(names(integrationsWithoutDedupe([integration('Mine')])(defaults))).toEqual([
      'Console',
      'Http',
      'Mine',
    ]);
  });

  it('hands the defaults, without Dedupe, to the user’s function', () => {
    const user = (list: Array<{ name: string }>) => [...list.reverse(), integration('Mine')];
    expect(names(integrationsWithoutDedupe(user)(defaults))).toEqual(['Http', 'Console', 'Mine']);
  });
});
