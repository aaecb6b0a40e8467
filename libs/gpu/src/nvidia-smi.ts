const QUERY_FIELDS = [
  'index',
  'name',
  'memory.total',
  'memory.used',
  'memory.free',
  'utilization.gpu',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.current.graphics',
  'clocks.max.graphics',
  'driver_version',
] as const;

/** One CSV line per GPU, in the order of QUERY_FIELDS, numbers without units. */
export const NVIDIA_SMI_QUERY: readonly string[] = ['nvidia-smi', `--query-gpu=${QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

/**
 * The CUDA version is not a --query-gpu field; the plain banner carries it on every driver
 * (`nvidia-smi --version` does too, but only on recent ones).
 */
export const NVIDIA_SMI_CUDA_QUERY: readonly string[] = ['nvidia-smi'];

export interface GpuReading {
  readonly index: number;
  readonly name: string;
  readonly memoryUsedMiB: number;
  readonly memoryTotalMiB: number;
  readonly memoryFreeMiB: number;
  readonly utilizationPercent: number;
  /** null where the board does not report it (`[N/A]`, `[Not Supported]`). */
  readonly temperatureC: number | null;
  readonly powerDrawW: number | null;
  readonly powerLimitW: number | null;
  readonly clockMHz: number;
  readonly maxClockMHz: number;
  readonly driverVersion: string;
}

export interface NvidiaSmiReport {
  readonly gpus: readonly GpuReading[];
  readonly cudaVersion: string | null;
  /** Lines that could not be read, each with the reason; the GPUs that could be read are still reported. */
  readonly problems: readonly string[];
}

const NOT_AVAILABLE = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions)\]?$/i;

export function parseNvidiaSmi(csvText: string, cudaVersionText: string): NvidiaSmiReport {
  const gpus: GpuReading[] = [];
  const problems: string[] = [];
  csvText.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const reading = parseLine(line);
    if (typeof reading === 'string') problems.push(`line ${index + 1}: ${reading}: ${JSON.stringify(line)}`);
    else gpus.push(reading);
  });
  return { gpus, cudaVersion: parseCudaVersion(cudaVersionText), problems };
}

/** The reading, or why the line cannot be read. */
function parseLine(line: string): GpuReading | string {
  const fields = line.split(',').map((field) => field.trim());
  if (fields.length < QUERY_FIELDS.length) return `expected ${QUERY_FIELDS.length} fields, found ${fields.length}`;
  // nvidia-smi does not quote CSV: a comma in the product name shows up as extra fields.
  const extra = fields.length - QUERY_FIELDS.length;
  const name = fields.slice(1, 2 + extra).join(', ');
  const [index, total, used, free, utilization, temperature, powerDraw, powerLimit, clock, maxClock, driverVersion] = [
    fields[0],
    ...fields.slice(2 + extra),
  ] as string[];
  try {
    return {
      index: required('index', index),
      name,
      memoryUsedMiB: required('memory.used', used),
      memoryTotalMiB: required('memory.total', total),
      memoryFreeMiB: required('memory.free', free),
      utilizationPercent: required('utilization.gpu', utilization),
      temperatureC: optional('temperature.gpu', temperature),
      powerDrawW: optional('power.draw', powerDraw),
      powerLimitW: optional('power.limit', powerLimit),
      clockMHz: required('clocks.current.graphics', clock),
      maxClockMHz: required('clocks.max.graphics', maxClock),
      driverVersion: driverVersion === '' || NOT_AVAILABLE.test(driverVersion) ? unreadable('driver_version', driverVersion, 'a version') : driverVersion,
    };
  } catch (error) {
    if (error instanceof UnreadableField) return error.message;
    throw error;
  }
}

class UnreadableField extends Error {}

function unreadable(field: string, text: string, expected = 'a number'): never {
  throw new UnreadableField(`${field} is ${JSON.stringify(text)}, not ${expected}`);
}

function required(field: string, text: string): number {
  const value = text === '' ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : unreadable(field, text);
}

function optional(field: string, text: string): number | null {
  return NOT_AVAILABLE.test(text) ? null : required(field, text);
}

/** Accepts the banner of plain `nvidia-smi`, the output of `nvidia-smi --version`, or a bare version. */
function parseCudaVersion(text: string): string | null {
  const match = /CUDA Version\s*:\s*([0-9]+(?:\.[0-9]+)*)/i.exec(text) ?? /^\s*([0-9]+(?:\.[0-9]+)+)\s*$/.exec(text);
  return match?.[1] ?? null;
}
