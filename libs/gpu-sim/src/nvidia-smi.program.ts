import { complain, write, type Program } from './program.js';
import type { SimulatedBehaviour, SimulatedGpu } from './simulated-behaviour.js';

export interface NvidiaSmiStandInOptions {
  readonly behaviour: SimulatedBehaviour;
  /** GPUs a running container holds (DockerStandIn.busyGpus): they show load, memory and heat. */
  readonly busyGpus: () => ReadonlySet<number>;
}

interface Field {
  /** What `nounits` drops, and the header shows in brackets. */
  readonly unit: string;
  readonly read: (gpu: SimulatedGpu, index: number, busy: boolean, behaviour: SimulatedBehaviour) => string;
}

const IDLE_MEMORY_MIB = 1;

/** The --query-gpu fields we answer, as nvidia-smi names them; `unit` is what `nounits` drops. */
const FIELDS: Readonly<Record<string, Field>> = {
  index: { unit: '', read: (_gpu, index) => String(index) },
  name: { unit: '', read: (gpu) => gpu.name },
  uuid: { unit: '', read: (_gpu, index) => `GPU-00000000-0000-0000-0000-${String(index).padStart(12, '0')}` },
  'memory.total': { unit: 'MiB', read: (gpu) => String(gpu.memoryTotalMiB) },
  'memory.used': { unit: 'MiB', read: (gpu, _i, busy) => String(memoryUsed(gpu, busy)) },
  'memory.free': { unit: 'MiB', read: (gpu, _i, busy) => String(gpu.memoryTotalMiB - memoryUsed(gpu, busy)) },
  'utilization.gpu': { unit: '%', read: (_gpu, _i, busy) => busy ? '97' : '0' },
  'temperature.gpu': { unit: '', read: (_gpu, _i, busy) => busy ? '71' : '34' },
  'power.draw': { unit: 'W', read: (gpu, _i, busy) => busy ? (gpu.powerLimitW * 0.92).toFixed(2) : '69.41' },
  'power.limit': { unit: 'W', read: (gpu) => gpu.powerLimitW.toFixed(2) },
  'clocks.current.graphics': { unit: 'MHz', read: (gpu, _i, busy) => busy ? String(gpu.maxClockMHz) : '345' },
  'clocks.max.graphics': { unit: 'MHz', read: (gpu) => String(gpu.maxClockMHz) },
  driver_version: { unit: '', read: (_gpu, _i, _busy, behaviour) => behaviour.driverVersion },
};

/**
 * `nvidia-smi` for what libs/gpu/src/nvidia-smi.ts sends: `--query-gpu=… --format=csv[,noheader][,nounits]`,
 * the plain banner (which carries the CUDA version) and `-L`.
 */
export function createNvidiaSmiStandIn({ behaviour, busyGpus }: NvidiaSmiStandInOptions): Program {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    const busy = busyGpus();
    if (args.length === 0) {
      await write(ctx.stdout, banner(behaviour, busy));
      return 0;
    }
    if (args.length === 1 && (args[0] === '-L' || args[0] === '--list-gpus')) {
      const lines = behaviour.gpus.map((gpu, i) => `GPU ${i}: ${gpu.name} (UUID: ${FIELDS.uuid.read(gpu, i, false, behaviour)})\n`);
      await write(ctx.stdout, lines.join(''));
      return 0;
    }
    const query = args.find((arg) => arg.startsWith('--query-gpu='))?.slice('--query-gpu='.length);
    const format = args.find((arg) => arg.startsWith('--format='))?.slice('--format='.length).split(',');
    if (query === undefined || format === undefined || !format.includes('csv') || args.length !== 2) {
      return complain(ctx, 'gpu-sim simulates only `nvidia-smi`, `nvidia-smi -L` and `nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]`', 2);
    }
    const names = query.split(',');
    const unknown = names.find((name) => !(name in FIELDS));
    if (unknown !== undefined) {
      await write(ctx.stdout, `Field "${unknown}" is not a valid field to query.\n\n`);
      return 2;
    }
    const units = !format.includes('nounits');
    const rows = behaviour.gpus.map((gpu, index) =>
      names.map((name) => {
        const field = FIELDS[name];
        const value = field.read(gpu, index, busy.has(index), behaviour);
        return units && field.unit !== '' ? `${value} ${field.unit}` : value;
      }),
    );
    const header = format.includes('noheader') ? [] : [names.map((name) => (units && FIELDS[name].unit !== '' ? `${name} [${FIELDS[name].unit}]` : name))];
    await write(ctx.stdout, [...header, ...rows].map((row) => `${row.join(', ')}\n`).join(''));
    return 0;
  };
}

function memoryUsed(gpu: SimulatedGpu, busy: boolean): number {
  return busy ? gpu.busyMemoryMiB : IDLE_MEMORY_MIB;
}

/** Shaped like the real banner, with the `CUDA Version: x.y` the client parses. */
function banner(behaviour: SimulatedBehaviour, busy: ReadonlySet<number>): string {
  const rule = '+-----------------------------------------------------------------------------------------+';
  const lines = [
    new Date().toString().slice(0, 24),
    rule,
    `| NVIDIA-SMI ${behaviour.driverVersion}             Driver Version: ${behaviour.driverVersion}     CUDA Version: ${behaviour.cudaVersion}     |`,
    '|-----------------------------------------+------------------------+----------------------+',
    '| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |',
    '| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |',
    '|=========================================+========================+======================|',
  ];
  behaviour.gpus.forEach((gpu, index) => {
    const isBusy = busy.has(index);
    const used = memoryUsed(gpu, isBusy);
    lines.push(
      `| ${String(index).padStart(3)}  ${gpu.name.padEnd(32).slice(0, 32)}  On |   00000000:${(0x18 + index).toString(16).toUpperCase()}:00.0 Off |                    0 |`,
      `| N/A   ${isBusy ? 71 : 34}C    P0   ${isBusy ? Math.round(gpu.powerLimitW * 0.92) : 69}W / ${gpu.powerLimitW}W | ${`${used}MiB / ${gpu.memoryTotalMiB}MiB`.padStart(22)} | ${`${isBusy ? 97 : 0}%`.padStart(8)}      Default |`,
      rule,
    );
  });
  return `${lines.join('\n')}\n`;
}
