const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of the parsed YAML. A value that is one
 * reference and nothing else becomes a number or boolean when it reads as one (`workers: ${WORKERS}`);
 * inside longer text it is text. An unset variable without a default is a problem at its path.
 */
export function interpolate(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  path: readonly (string | number)[] = [],
): unknown {
  if (typeof value === 'string') return interpolateText(value, env, problems, path);
  if (Array.isArray(value))
    return value.map((item, index) => interpolate(item, env, problems, [...path, index]));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, env, problems, [...path, key])]),
    );
  return value;
}

function interpolateText(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  path: readonly (string | number)[],
): unknown {
  const lookup = (name: string, fallback: string | undefined): string => {
    const found = env[name] ?? fallback;
    if (found === undefined) {
      problems.push(
        `${yamlPath(path)}: \${${name}} is not set; fix: set the environment variable ${name}, or give a default: \${${name}:-value}`,
      );
      return '';
    }
    return found;
  };
  const whole = WHOLE_REFERENCE.exec(text);
  if (whole !== null) {
    const replaced = lookup(whole[1]!, whole[2]);
    return scalar(replaced);
  }
  return text.replace(REFERENCE, (_, name: string, fallback: string | undefined) => lookup(name, fallback));
}

/** `['source', 'brokers', 0]` → `source.brokers[0]`. */
export function yamlPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

/** The text of a variable as a number or boolean when it is written as one, else as text. */
export function scalar(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}
