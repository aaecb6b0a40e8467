import { configSchema, isRepeated, type ConfigSchema, type RowSetting, type Setting } from './config.schema.js';
import { unhandledSetting, type SettingValue } from './setting.values.js';

/**
 * Every setting as a Markdown table (key, type, default, environment variable, description), in
 * schema order; a repeated section gets a row of its own, then one per key as `section.key[].name`.
 */
export function describeConfig(schema: ConfigSchema = configSchema): string {
  const rows = describedKeys(schema).map((cells) => cells.map(escapeCell).join(' | '));
  return ['| Key | Type | Default | Environment | Description |', '| --- | --- | --- | --- | --- |', ...rows.map((row) => `| ${row} |`)].join('\n') + '\n';
}

/** Table cells per described key; the first cell is the quoted full name. */
export function describedKeys(schema: ConfigSchema = configSchema): string[][] {
  return Object.entries(schema).flatMap(([section, keys]) =>
    Object.entries(keys).flatMap(([key, entry]) => {
      const name = `${section}.${key}`;
      if (!isRepeated(entry)) return [[`\`${name}\``, typeText(entry), `\`${tomlLiteral(entry.default)}\``, entry.env ? `\`${entry.env}\`` : '', entry.description]];
      return [
        [`\`${name}\``, `array of tables (\`[[${name}]]\`)`, '`[]`', '', entry.description],
        ...Object.entries(entry.row).map(([rowKey, setting]) => [`\`${name}[].${rowKey}\``, typeText(setting), defaultText(setting), '', setting.description]),
      ];
    }),
  );
}

function defaultText(setting: RowSetting): string {
  if ('default' in setting) return `\`${tomlLiteral(setting.default)}\``;
  return 'required' in setting && setting.required ? 'required' : '';
}

function typeText(setting: Setting | RowSetting): string {
  switch (setting.type) {
    case 'string':
      return setting.format === undefined ? 'string' : `string (${setting.format})`;
    case 'boolean':
      return setting.type;
    case 'integer':
    case 'number':
      return setting.type + rangeText(setting);
    case 'list':
      return `array of ${setting.items === 'string' ? 'strings' : 'integers'}${rangeText(setting)}`;
    case 'enum':
      return `one of ${setting.values.map((value) => `\`${value}\``).join(', ')}`;
    default:
      return unhandledSetting(setting);
  }
}

function rangeText({ min, max }: { readonly min?: number; readonly max?: number }): string {
  return min === undefined && max === undefined ? '' : `, ${min ?? '…'}–${max ?? '…'}`;
}

function tomlLiteral(value: SettingValue): string {
  return Array.isArray(value) ? `[${value.map((item: string | number) => tomlLiteral(item)).join(', ')}]` : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
