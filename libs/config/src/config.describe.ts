import { assertNever } from '../../domain/src/shared/assert-never.js';
import { configSchema, listSettings, type ConfigSchema, type Setting } from './config.schema.js';

/** Every setting as a Markdown table (key, type, default, environment variable, description), in schema order. */
export function describeConfig(schema: ConfigSchema = configSchema): string {
  const rows = listSettings(schema).map(({ name, setting }) =>
    [`\`${name}\``, typeText(setting), `\`${tomlLiteral(setting.default)}\``, setting.env ? `\`${setting.env}\`` : '', setting.description]
      .map(escapeCell)
      .join(' | '),
  );
  return ['| Key | Type | Default | Environment | Description |', '| --- | --- | --- | --- | --- |', ...rows.map((row) => `| ${row} |`)].join('\n') + '\n';
}

function typeText(setting: Setting): string {
  switch (setting.type) {
    case 'string':
    case 'boolean':
      return setting.type;
    case 'integer':
    case 'number':
      return setting.min === undefined && setting.max === undefined
        ? setting.type
        : `${setting.type}, ${setting.min ?? '…'}–${setting.max ?? '…'}`;
    case 'enum':
      return `one of ${setting.values.map((value) => `\`${value}\``).join(', ')}`;
    default:
      return assertNever(setting);
  }
}

function tomlLiteral(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
