import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedText } from '../src/messages/boundedText.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('boundedText', () => {
  it('keeps text that fits', () => {
    expect(boundedText('', 0)).toBe('');
    expect(boundedText('short', 5)).toBe('short');
    expect(boundedText('é'.repeat(10), 20)).toBe('é'.repeat(10));
  });

  it('cuts what does not fit and says how many bytes it cut, within the bound', () => {
    const text = 'x'.repeat(550_000);
    const bounded = boundedText(text, 1000);
    expect(bytes(bounded)).toBeLessThanOrEqual(1000);
    const kept = bounded.length - ` … (${550_000 - bounded.indexOf(' …')} bytes cut)`.length;
    expect(bounded).toBe(`${'x'.repeat(kept)} … (${550_000 - kept} bytes cut)`);
    expect(bytes(bounded)).toBeGreaterThan(980);
  });

  it('never splits a character', () => {
    for (const char of ['é', '€', '😀'])
      for (let max = 20; max < 40; max += 1) {
        const bounded = boundedText(char.repeat(50), max);
        expect(bounded).not.toContain('\uFFFD');
        expect(bytes(bounded)).toBeLessThanOrEqual(max);
        const kept = bounded.slice(0, bounded.indexOf(' …'));
        expect(kept).toBe(char.repeat(kept.length / char.length));
        expect(bounded).toContain(`(${bytes(char.repeat(50)) - bytes(kept)} bytes cut)`);
      }
  });

  it('is the marker alone when the bound is smaller than the marker', () => {
    expect(boundedText('abcdefghij'.repeat(10), 3)).toBe(' … (100 bytes cut)');
  });

  it('holds for any text and bound: a prefix, at most the bound, the cut counted', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 24, max: 400 }),
        (text, max) => {
          const bounded = boundedText(text, max);
          expect(bytes(bounded)).toBeLessThanOrEqual(max);
          if (bytes(text) <= max) {
            expect(bounded).toBe(text);
            return;
          }
          const match = / … \((\d+) bytes cut\)$/.exec(bounded);
          expect(match).not.toBeNull();
          const kept = bounded.slice(0, match!.index);
          expect(text.startsWith(kept)).toBe(true);
          expect(bytes(kept) + Number(match![1])).toBe(bytes(text));
        },
      ),
    );
  });
});
