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
