/** Why NATS would refuse `name` as a stream or consumer name, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > 255) return `is ${name.length} characters long, over the 255 NATS allows`;
  if (/[\s.*>/\\]/.test(name))
    return 'has a character NATS does not allow in a stream or consumer name (whitespace, ".", "*", ">", "/" or "\\")';
  return undefined;
}

/**
 * Why `subject` is not a subject NATS accepts, or undefined: dot-separated tokens, none empty, no
 * whitespace; `*` (one token) and a final `>` (the rest) only when `wildcards` is true.
 */
export function subjectProblem(subject: string, wildcards: boolean): string | undefined {
  if (subject === '') return 'is empty';
  if (/\s/.test(subject)) return 'has whitespace';
  const tokens = subject.split('.');
  if (tokens.some((token) => token === '')) return 'has an empty token (".." or a "." at either end)';
  for (const [index, token] of tokens.entries()) {
    const wildcard = token === '*' || token === '>';
    if (!wildcard && /[*>]/.test(token)) return `has "*" or ">" inside the token "${token}"`;
    if (wildcard && !wildcards) return 'has a wildcard ("*" or ">"), where one literal subject is needed';
    if (token === '>' && index !== tokens.length - 1) return 'has ">" before its last token';
  }
  return undefined;
}

/** Whether the literal `subject` matches `pattern` (which may hold `*` and a final `>`). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  for (const [index, token] of wanted.entries()) {
    if (token === '>') return tokens.length > index;
    if (index >= tokens.length) return false;
    if (token !== '*' && token !== tokens[index]) return false;
  }
  return wanted.length === tokens.length;
}

/** A durable name from the daemon's name: characters NATS refuses become `_`. */
export function durableFor(daemonName: string): string {
  return daemonName.replace(/[\s.*>/\\]/g, '_') || 'switchyard';
}

/** A name in an error, cut if it is absurdly long. */
export function quote(name: string): string {
  return name.length > 200 ? `"${name.slice(0, 200)}…" (${name.length} characters)` : `"${name}"`;
}
