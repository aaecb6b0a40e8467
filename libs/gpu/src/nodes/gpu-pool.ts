import { NVIDIA_SMI_QUERY, parseNvidiaSmi } from '../nvidia-smi.js';
import type { GpuNode } from './gpu-node.js';

/** nvidia-smi answers in well under a second; this only catches a wedged driver. */
const DISCOVERY_TIMEOUT_MS = 30_000;

/**
 * The GPU indices a node shares out among its jobs, each job holding its own: `gpu_devices` as
 * listed, `gpu_count` as the first that many, and neither as every GPU nvidia-smi reports when the
 * worker first reaches the node. Throws when nvidia-smi cannot say (the worker asks again).
 */
export async function gpuPool(node: GpuNode): Promise<readonly number[]> {
  const configured = node.executor.gpus;
  if (configured !== undefined && configured !== 'all') return 'count' in configured ? [...Array(configured.count).keys()] : [...configured.devices];
  const result = await node.connection.exec(NVIDIA_SMI_QUERY, { timeoutMs: DISCOVERY_TIMEOUT_MS, maxOutputBytes: 1 << 20 });
  const gpus = result.exitCode === 0 ? parseNvidiaSmi(result.stdout, '').gpus : [];
  if (gpus.length === 0) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').at(-1) ?? '';
    throw new Error(`nvidia-smi on ${node.name} reported no GPU (exit ${result.exitCode ?? 'by a signal'}${detail ? `: ${detail}` : ''}); set gpu_devices or gpu_count for it`);
  }
  return gpus.map((gpu) => gpu.index).sort((a, b) => a - b);
}
