export {
  BUILTIN_PROGRAMS,
  startSimulatedSshServer,
  type SimulatedSshServer,
  type SimulatedSshServerOptions,
} from './simulated-ssh-server.js';
export {
  abortExitCode,
  complain,
  reasonOf,
  splitFlags,
  write,
  type Program,
  type ProgramContext,
  type ProgramTable,
  type StopSignal,
} from './program.js';
export { PathEscapeError } from './host-root.js';
export { type ConnectionHandler, HostPorts } from './host-ports.js';
export { createModelServerProgram, MODEL_SERVER_SCRIPT } from './model-server.program.js';
export { simulatedGpuPrograms, type SimulatedGpuPrograms } from './simulated-gpu.programs.js';
export { createDockerStandIn, type DockerStandIn, type DockerStandInOptions } from './docker.program.js';
export { createModelPrograms } from './transfer.program.js';
export { upsampledPrompt } from './prompt-upsampler.program.js';
export { createNvidiaSmiStandIn, type NvidiaSmiStandInOptions } from './nvidia-smi.program.js';
export {
  createSimulatedBehaviour,
  DEFAULT_IMAGE,
  H100,
  type ModelOutcome,
  type SimulatedBehaviour,
  type SimulatedGpu,
} from './simulated-behaviour.js';
export { SIMULATED_REMOTE_DIR, startSimulatedNode, type SimulatedNode, type SimulatedNodeOptions } from './simulated-node.js';
export { type DockerSocketDaemon, startDockerSocketDaemon } from './docker-socket.daemon.js';
export { generateEd25519KeyPair } from './ssh-key-pair.js';
