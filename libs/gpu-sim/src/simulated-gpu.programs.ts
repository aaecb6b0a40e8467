import type { HostPorts } from './host-ports.js';
import { createDockerStandIn, type DockerStandIn } from './docker.program.js';
import { createNvidiaSmiStandIn } from './nvidia-smi.program.js';
import type { ProgramTable } from './program.js';
import type { SimulatedBehaviour } from './simulated-behaviour.js';
import { BUILTIN_PROGRAMS } from './simulated-ssh-server.js';
import { createModelPrograms } from './transfer.program.js';

/** The whole simulated GPU host; `docker` is kept typed so a test can shut its containers down. */
export interface SimulatedGpuPrograms extends ProgramTable {
  readonly docker: DockerStandIn;
}

/**
 * Every stand-in over one shared behaviour: docker runs the model programs (and the model server,
 * whose published port lands in `ports`), nvidia-smi sees its load.
 */
export function simulatedGpuPrograms(behaviour: SimulatedBehaviour, ports: HostPorts | null = null): SimulatedGpuPrograms {
  const insideContainers: ProgramTable = { ...BUILTIN_PROGRAMS, ...createModelPrograms(behaviour) };
  const docker = createDockerStandIn({ behaviour, programs: insideContainers, ports });
  return {
    ...insideContainers,
    docker,
    'nvidia-smi': createNvidiaSmiStandIn({ behaviour, busyGpus: () => docker.busyGpus() }),
  };
}
