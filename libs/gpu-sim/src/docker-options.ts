import type { VolumeMount } from './docker-container.js';

/**
 * docker's option syntax, as far as our client and its node config use it: `--name x`,
 * `--name=x`, `-d`, `-v x`, repeated options, and options ending at the first operand (for
 * `run`, the image, after which every word belongs to the container's command).
 */
export interface OptionSpec {
  /** Options that take a value, long name → short letter (or '' for none). */
  readonly values: Readonly<Record<string, string>>;
  /** Options without a value, long name → short letter (or ''). */
  readonly flags: Readonly<Record<string, string>>;
  /** `run` only: `--ipc=host`, `--shm-size=8g` and the like come from node config and change nothing here. */
  readonly acceptAnyAssignment?: boolean;
}

export interface ParsedOptions {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
  readonly operands: readonly string[];
}

export function parseDockerOptions(args: readonly string[], spec: OptionSpec, stopAtOperand: boolean): ParsedOptions | { readonly error: string } {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const operands: string[] = [];
  const longOf = (short: string, table: Readonly<Record<string, string>>): string | undefined =>
    Object.keys(table).find((long) => table[long] === short);
  const add = (name: string, value: string): void => {
    values.set(name, [...(values.get(name) ?? []), value]);
  };

  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (stopAtOperand) {
        operands.push(...args.slice(i));
        break;
      }
      operands.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = splitOnce(arg.slice(2), '=');
      if (name in spec.values) {
        const value = inline ?? args[++i];
        if (value === undefined) return { error: `flag needs an argument: --${name}` };
        add(name, value);
      } else if (name in spec.flags && inline === undefined) {
        flags.add(name);
      } else if (spec.acceptAnyAssignment && inline !== undefined) {
        add(name, inline);
      } else {
        return { error: `unknown flag: --${name}` };
      }
      continue;
    }
    // Bundled short flags (`-af`), the last of which may take the next word as its value.
    for (let j = 1; j < arg.length; j += 1) {
      const short = arg[j];
      const valueName = longOf(short, spec.values);
      if (valueName !== undefined) {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : args[++i];
        if (value === undefined) return { error: `flag needs an argument: '${short}' in -${short}` };
        add(valueName, value);
        break;
      }
      const flagName = longOf(short, spec.flags);
      if (flagName === undefined) return { error: `unknown shorthand flag: '${short}' in ${arg}` };
      flags.add(flagName);
    }
  }
  return { values, flags, operands };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `all`, a count, or `device=0,2` (our client sends it wrapped in literal double quotes, which docker's CSV reading strips). */
export function selectGpus(value: string | undefined, available: number): number[] | string {
  if (value === undefined) return [];
  const unquoted = value.replace(/^"(.*)"$/, '$1');
  if (unquoted === 'all') return [...Array(available).keys()];
  if (/^\d+$/.test(unquoted)) {
    const count = Number(unquoted);
    return count <= available ? [...Array(count).keys()] : `could not select ${count} GPUs: the host has ${available}`;
  }
  const devices = /^device=([\d,]+)$/.exec(unquoted)?.[1]?.split(',').map(Number);
  if (devices === undefined) return `invalid --gpus value ${JSON.stringify(value)}`;
  const unknown = devices.find((index) => index >= available);
  return unknown === undefined ? devices : `nvidia-container-cli: device error: ${unknown}: unknown device: unknown`;
}

export function parseVolume(spec: string): VolumeMount | string {
  const [host, container, mode, ...rest] = spec.split(':');
  if (!host?.startsWith('/') || !container?.startsWith('/') || rest.length > 0 || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
    return `invalid volume specification: '${spec}' (gpu-sim simulates /host:/container[:ro|rw] bind mounts)`;
  }
  return { host, container, readOnly: mode === 'ro' };
}

/** `127.0.0.1:<host>:<container>` only: our client never publishes beyond the node's loopback. */
export function parsePublish(spec: string): { hostPort: number; containerPort: number } | string {
  const match = /^127\.0\.0\.1:(\d{1,5}):(\d{1,5})$/.exec(spec);
  if (match === null) return `gpu-sim publishes only 127.0.0.1:<host port>:<container port>, not '${spec}'`;
  return { hostPort: Number(match[1]), containerPort: Number(match[2]) };
}

export function keyValues(pairs: readonly string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at < 0) result[pair] = '';
    else result[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return result;
}

/** `--since`: RFC 3339 (any fraction), Unix seconds, or a Go duration back from now (`10m`, `1h30m`). */
export function parseSince(value: string | undefined): number | null | string {
  if (value === undefined) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^(\d+(?:\.\d+)?(?:h|m|s|ms))+$/.test(value) ? [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)] : null;
  if (duration !== null) {
    const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
    return Date.now() - duration.reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
  }
  // Date.parse is unreliable beyond milliseconds; docker takes nanoseconds.
  const parsed = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(parsed) ? `gpu-sim: docker logs --since ${JSON.stringify(value)}: not an RFC 3339 time, Unix seconds or a duration` : parsed;
}
