/**
 * Replaces each `{{name}}` in `template` with `values[name]`. A placeholder without a value is a
 * bug in the generator, not a user error: it throws rather than write `{{name}}` into a project.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder ${placeholder} has no value`);
    return value;
  });
}
