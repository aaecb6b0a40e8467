export { shellCommand, shellQuote } from './shell-quote.js';
export {
  CONTAINER_LABELS,
  dockerImages,
  dockerInfo,
  dockerInspect,
  dockerKill,
  dockerLogs,
  dockerPs,
  dockerRemove,
  dockerRun,
  dockerWait,
  type ContainerLabels,
  type DockerInvocation,
  type DockerLogsOptions,
  type DockerPsOptions,
  type DockerRunSpec,
  type GpuSelection,
  type VolumeMount,
} from './docker-command.js';
export { GradioClient, type GradioOutcome, ModelServerUnreachable, type ResultOptions } from './model-server/gradio-client.js';
export { executeWarmInference, type WarmServerTarget } from './executor/warm-inference.executor.js';
export { MODEL_SERVER_CONTAINER, type ModelServerLaunch, modelServerRun } from './model-server/model-server-container.js';
export { NVIDIA_SMI_CUDA_QUERY, NVIDIA_SMI_QUERY, parseNvidiaSmi, type GpuReading, type NvidiaSmiReport } from './nvidia-smi.js';
export { SshConnection, type SshConnectionEvents, type SshConnectionOptions, type SshLogger } from './ssh-connection.js';
export type { ExecOptions, ExecResult } from './ssh-exec.js';
export {
  SSH_NODE_DEFAULTS,
  resolveSshNode,
  type ReconnectPolicy,
  type ResolvedSshNode,
  type SshNodeConfig,
} from './ssh-node.config.js';
export { hostKeyFingerprint, knownHostsLine, parseKnownHosts, type HostKeyPolicy } from './host-key.js';
export {
  download,
  ensureRemoteDir,
  removeRemoteTree,
  upload,
  type DownloadResult,
  type TransferOptions,
  type TransferProgress,
  type UploadResult,
} from './sftp-transfer.js';
export {
  GpuTransportError,
  RemotePathRefused,
  SshAborted,
  SshAuthFailed,
  SshConnectionLost,
  SshHostKeyRejected,
  SshTimeout,
  SshUnavailable,
  TransferFailed,
  type GpuTransportErrorCode,
  type HostKeyRejection,
  type TransferFailure,
} from './gpu.errors.js';
export { inspectContainer } from './container-inspect.js';
export { BatchInferenceExecutor } from './executor/batch-inference.executor.js';
export { asExecutionFailure, type ContainerExecution, type ExecutorNode, stageInputs, type StagingRequest } from './executor/container-run.js';
export { EnhanceExecutor } from './executor/enhance.executor.js';
export { ExecutionFailure } from './executor/execution-failure.js';
export { EXECUTION_LOG_NAME } from './executor/run-outputs.js';
export { SingleInferenceExecutor } from './executor/single-inference.executor.js';
export { UpscaleExecutor } from './executor/upscale.executor.js';
export { FailureStreak } from './failure-streak.js';
export { isNodeUnreachable, PortForwardRefused } from './gpu.errors.js';
export { type CosmosContainer, killCosmosContainer, listCosmosContainers } from './nodes/cosmos-containers.js';
export { configuredNode, GPU_NODES, gpuNode, type GpuNode, gpuNodeList, type GpuNodes } from './nodes/gpu-node.js';
export { gpuPool } from './nodes/gpu-pool.js';
export { type NodeStatus, PROBE_COMMAND_TIMEOUT_MS, probeNode } from './nodes/node-probe.js';
