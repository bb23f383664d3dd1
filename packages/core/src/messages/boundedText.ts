/**
 * `text` as is when it takes at most `maxBytes` bytes of UTF-8, else its longest prefix that fits
 * with ` … (N bytes cut)` appended (N counts the UTF-8 bytes left out), never splitting a character.
 * For text from outside (reasons, headers, log fields) that must not travel unbounded. The result
 * takes at most `maxBytes` bytes, unless `maxBytes` is smaller than the marker itself: then it is
 * the marker alone.
 */
export function boundedText(text: string, maxBytes: number): string {
  // Every UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4).
  if (text.length * 3 <= maxBytes) return text;
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  // The marker's length depends on N, which depends on the cut: settle it in a few steps.
  let keep = Math.max(0, maxBytes - marker(total).length);
  for (;;) {
    keep = characterStart(bytes, Math.min(keep, total));
    const suffix = marker(total - keep);
    if (keep === 0 || keep + Buffer.byteLength(suffix) <= maxBytes)
      return bytes.toString('utf8', 0, keep) + suffix;
    keep -= 1;
  }
}

function marker(cut: number): string {
  return ` … (${cut} bytes cut)`;
}

/** The largest position ≤ `index` where a UTF-8 character starts (not a continuation byte). */
function characterStart(bytes: Buffer, index: number): number {
  let position = index;
  while (position > 0 && position < bytes.length && (bytes[position]! & 0xc0) === 0x80) position -= 1;
  return position;
}
