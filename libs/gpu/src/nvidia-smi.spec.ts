import { NVIDIA_SMI_QUERY, parseNvidiaSmi } from './nvidia-smi.js';

const BANNER = `Mon Jan  5 10:00:00 2026
+---------------------------------------------------------------------------------------+
| NVIDIA-SMI 535.104.05             Driver Version: 535.104.05   CUDA Version: 12.2     |
|-----------------------------------------+----------------------+----------------------+
`;

const TWO_GPUS = `0, NVIDIA H100 80GB HBM3, 81559, 1024, 80535, 37, 41, 112.55, 700.00, 1980, 1980, 535.104.05
1, NVIDIA H100 80GB HBM3, 81559, 0, 81559, 0, 35, 71.02, 700.00, 345, 1980, 535.104.05
`;

describe('NVIDIA_SMI_QUERY', () => {
  it("queries the predecessor's fields plus the index, without header or units", () => {
    expect(NVIDIA_SMI_QUERY).toEqual([
      'nvidia-smi',
      '--query-gpu=index,name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu,power.draw,power.limit,clocks.current.graphics,clocks.max.graphics,driver_version',
      '--format=csv,noheader,nounits',
    ]);
  });
});

describe('parseNvidiaSmi', () => {
  it('reads every GPU and the CUDA version from the banner', () => {
    const report = parseNvidiaSmi(TWO_GPUS, BANNER);

    expect(report.problems).toEqual([]);
    expect(report.cudaVersion).toBe('12.2');
    expect(report.gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        memoryUsedMiB: 1024,
        memoryTotalMiB: 81559,
        memoryFreeMiB: 80535,
        utilizationPercent: 37,
        temperatureC: 41,
        powerDrawW: 112.55,
        powerLimitW: 700,
        clockMHz: 1980,
        maxClockMHz: 1980,
        driverVersion: '535.104.05',
      },
      expect.objectContaining({ index: 1, memoryUsedMiB: 0, utilizationPercent: 0, clockMHz: 345 }),
    ]);
  });

  it('reports [N/A] temperature and power as null', () => {
    const { gpus } = parseNvidiaSmi('0, Tesla T4, 15360, 0, 15360, 0, [N/A], [N/A], [Not Supported], 300, 1590, 470.57.02\n', '');

    expect(gpus[0]).toMatchObject({ temperatureC: null, powerDrawW: null, powerLimitW: null, clockMHz: 300 });
  });

  it('keeps a product name that contains a comma', () => {
    const { gpus, problems } = parseNvidiaSmi('0, Quadro RTX 8000, Rev A, 48601, 5, 48596, 1, 30, 20.1, 260, 300, 1770, 550.54.14', '');

    expect(problems).toEqual([]);
    expect(gpus[0]).toMatchObject({ name: 'Quadro RTX 8000, Rev A', memoryTotalMiB: 48601, driverVersion: '550.54.14' });
  });

  it('reports malformed lines with their reason and keeps the readable ones', () => {
    const text = [
      'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.',
      TWO_GPUS.split('\n')[0],
      '1, NVIDIA H100, 81559, [N/A], 80535, 37, 41, 112.55, 700.00, 1980, 1980, 535.104.05',
    ].join('\r\n');

    const report = parseNvidiaSmi(text, 'not a banner');

    expect(report.gpus.map((gpu) => gpu.index)).toEqual([0]);
    expect(report.problems).toEqual([
      'line 1: expected 12 fields, found 1: "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver."',
      'line 3: memory.used is "[N/A]", not a number: "1, NVIDIA H100, 81559, [N/A], 80535, 37, 41, 112.55, 700.00, 1980, 1980, 535.104.05"',
    ]);
    expect(report.cudaVersion).toBeNull();
  });

  it('reads the CUDA version from nvidia-smi --version or a bare version', () => {
    expect(parseNvidiaSmi('', 'NVIDIA-SMI version  : 550.54.14\nCUDA Version        : 12.4\n').cudaVersion).toBe('12.4');
    expect(parseNvidiaSmi('', '12.6\n').cudaVersion).toBe('12.6');
  });

  it('reports no GPUs and no problems for empty output', () => {
    expect(parseNvidiaSmi('\n', '')).toEqual({ gpus: [], cudaVersion: null, problems: [] });
  });
});
