import Table from 'cli-table3';

/** A table for a person, columns as given; long cells are cut to keep rows on one line. */
export function table(head: readonly string[], rows: readonly (readonly (string | number | null)[])[], maxCell = 60): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] }, wordWrap: false });
  for (const row of rows) table.push(row.map((cell) => oneLine(cell === null ? '' : String(cell), maxCell)));
  return table.toString();
}

/** Key/value lines for one entity; a key without a value (no failure, no source) is left out. */
export function details(pairs: readonly (readonly [string, string | number | null | undefined])[]): string {
  const table = new Table({ style: { head: [], border: [] }, wordWrap: true, colWidths: [18, 90] });
  for (const [key, value] of pairs) if (value !== null && value !== undefined && value !== '') table.push({ [key]: String(value) });
  return table.toString();
}

/** On one line (newlines and tabs as spaces), cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const single = text.replace(/\s+/g, ' ');
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}
