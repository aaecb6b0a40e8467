/**
 * The slice of Go's text/template that `docker --format` callers use: literal text around
 * `{{.Field.Sub}}` and `{{json .Field}}` (or `{{json .}}`). Anything else is refused loudly, so a
 * client that starts relying on more of the language fails here instead of getting wrong output.
 */
export function renderGoTemplate(template: string, data: unknown): { readonly text: string } | { readonly error: string } {
  let failure: string | null = null;
  const text = template.replace(/\{\{(.*?)\}\}/g, (_whole, action: string) => {
    const match = /^\s*(json\s+)?\.((?:[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?\s*$/.exec(action);
    if (match === null) {
      failure ??= `template: gpu-sim supports only {{.Field}} and {{json .Field}}, not {{${action}}}`;
      return '';
    }
    const value = (match[2] ?? '').split('.').filter(Boolean).reduce<unknown>((at, key) => (isRecord(at) ? at[key] : undefined), data);
    if (match[1] !== undefined) return JSON.stringify(value ?? null);
    if (value === undefined) return '<no value>';
    if (value === null) return '<nil>';
    if (typeof value === 'object') {
      failure ??= `template: gpu-sim prints objects only with {{json …}} ({{${action}}})`;
      return '';
    }
    return String(value);
  });
  return failure === null ? { text } : { error: failure };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
