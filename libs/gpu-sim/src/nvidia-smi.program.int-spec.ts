import { dockerKill, dockerRun, dockerWait, NVIDIA_SMI_CUDA_QUERY, NVIDIA_SMI_QUERY, parseNvidiaSmi } from '../../gpu/src/index.js';
import { createSimulatedBehaviour, DEFAULT_IMAGE, H100 } from './simulated-behaviour.js';
import { startSimulatedGpuHost, type SimulatedGpuHost } from './simulated-gpu.fixture.js';

describe('nvidia-smi stand-in', () => {
  let host: SimulatedGpuHost;

  beforeAll(async () => {
    host = await startSimulatedGpuHost(createSimulatedBehaviour({ gpus: [H100, { ...H100, name: 'NVIDIA L40S', memoryTotalMiB: 46_068 }] }));
  });
  afterAll(() => host?.stop());

  async function report() {
    const [csv, banner] = [await host.exec(NVIDIA_SMI_QUERY), await host.exec(NVIDIA_SMI_CUDA_QUERY)];
    expect([csv.code, banner.code]).toEqual([0, 0]);
    return parseNvidiaSmi(csv.stdout, banner.stdout);
  }

  it('answers the client query in the CSV its parser reads, and the banner carries the CUDA version', async () => {
    const parsed = await report();
    expect(parsed.problems).toEqual([]);
    expect(parsed.cudaVersion).toBe('12.8');
    expect(parsed.gpus).toEqual([
      expect.objectContaining({ index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81_559, memoryUsedMiB: 1, utilizationPercent: 0, driverVersion: '570.124.06' }),
      expect.objectContaining({ index: 1, name: 'NVIDIA L40S', memoryTotalMiB: 46_068, memoryFreeMiB: 46_067 }),
    ]);
  });

  it('shows load on the GPUs a running container holds, and none once it stops', async () => {
    await host.exec(
      dockerRun({ name: 'busy', labels: { job: 'job_busy', kind: 'test', runs: ['rs_busy'] }, image: DEFAULT_IMAGE, gpus: { devices: [1] }, command: ['sleep', '30'], detached: true }),
    );
    const busy = await report();
    expect(busy.gpus.map((gpu) => gpu.utilizationPercent)).toEqual([0, 97]);
    expect(busy.gpus[1].memoryUsedMiB).toBe(H100.busyMemoryMiB);
    await host.exec(dockerKill('busy'));
    await host.exec(dockerWait('busy'));
    expect((await report()).gpus.map((gpu) => gpu.utilizationPercent)).toEqual([0, 0]);
  });

  it('refuses a field it does not know, as nvidia-smi does', async () => {
    expect(await host.exec(['nvidia-smi', '--query-gpu=index,bogus', '--format=csv'])).toMatchObject({ code: 2, stdout: 'Field "bogus" is not a valid field to query.\n\n' });
    expect((await host.exec(['nvidia-smi', '--query-gpu=index,memory.used', '--format=csv'])).stdout).toBe('index, memory.used [MiB]\n0, 1 MiB\n1, 1 MiB\n');
  });
});
