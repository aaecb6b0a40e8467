export { batchPlanDecider } from './batching/batch-plan.decider.js';
export { BATCH_PLAN_EVENT_TYPES, batchPlanStream } from './batching/batch-plan.events.js';
export { type BatchCandidate, type BatchingMode, batchingOptionProblems, type BatchPlan, DEFAULT_MAX_RUNS_PER_BATCH, planBatches } from './batching/batch-planner.js';
export { type BatchLaunch, type BatchRunRequest, buildBatchSpec } from './cosmos/batch-inference.builder.js';
export { type BatchLine, type HintKey, isHintKey } from './cosmos/controlnet-spec.js';
export { DEFAULT_ENHANCE_CONFIG, DEFAULT_INFERENCE_CONFIG, DEFAULT_UPSCALE_CONFIG, type EnhanceConfig, type EnhanceMode, type InferenceConfig, type PresetLevel, resolveEnhanceConfig, resolveInferenceConfig, resolveUpscaleConfig, type UpscaleConfig } from './cosmos/inference-config.js';
export { validateBatchLines, validateControlnetSpec } from './cosmos/model-rules.js';
export {
  hintsOf,
  MODEL_SERVER_ARGS,
  MODEL_SERVER_FPS,
  MODEL_SERVER_HINTS,
  MODEL_SERVER_OUTPUT_DIR,
  MODEL_SERVER_PORT,
  MODEL_SERVER_REQUESTS_DIR,
  MODEL_SERVER_UPLOADS_DIR,
  type ModelServerRequest,
  modelServerRequestOf,
  modelServerRequestProblem,
  savedOutputDir,
} from './cosmos/model-server.js';
export { buildUpsamplerBatch, type EnhanceLaunch, parseUpsamplerResult, type UpsamplerResult } from './cosmos/prompt-upsampler.builder.js';
export { CHECKPOINT_DIR, CONTAINER_ROOT, controlOutputHint, jobBatchJsonlPath, type LocalFile, type ModelOutputFiles, onHost, type RemoteFile, type RemoteUpload, runInputsDir, runInputVideo, runSpecPath, UPSAMPLER_SCRIPT, upsamplerResultsPath } from './cosmos/remote-layout.js';
export type { PromptForModel } from './cosmos/run-inputs.js';
export { buildInferenceSpec, type InferenceLaunch } from './cosmos/single-inference.builder.js';
export { DEFAULT_GPU_LAUNCH, type GpuLaunch, type ModelCommand, TRANSFER_SCRIPT } from './cosmos/transfer-command.js';
export { buildUpscaleSpec, type UpscaleLaunch } from './cosmos/upscale.builder.js';
export { IDEMPOTENCY_EVENT_TYPES, idempotencyDecider, idempotencyKeyProblem, IdempotencyKeyReused, idempotencyStream, requestDifferences } from './job/idempotency.js';
export { runConfigOf } from './job/job-config.js';
export { ACTIVE_JOB_STATUSES, type ActiveJobStatus, FINISHED_JOB_STATUSES, type FinishedJobStatus, JOB_STATUSES, type JobStatus } from './job/job-status.js';
export { type JobWork, jobWorkOf, runKindOf, runRequestsOf, type RunWork } from './job/job-work.js';
export type { JobCommand, MergeIntoBatch, QueueJob } from './job/job.commands.js';
export { type ClaimedJob, jobContainerName, jobDecider, type JobState } from './job/job.decider.js';
export { JobAlreadyRetried, JobInvalidTransition, JobNotActive, JobNotClaimed, JobNotFound, JobNotQueued } from './job/job.errors.js';
export { JOB_EVENT_TYPES, JOB_KINDS, JOB_QUEUED_SCHEMA_VERSION, JOB_STAGES, type JobEvent, type JobFailureReason, type JobKind, type JobQueued, jobQueuedFromV1, jobQueuedFromV2, type JobStage, jobStream, type QueuedPrompt, type QueuedUpscale } from './job/job.events.js';
export { DEFAULT_JOB_PRIORITY, JOB_GPU_COUNTS, jobGpuCountProblem, priorityProblem } from './job/job.validation.js';
export { outcomePlan } from './job/outcome-plan.js';
export { compareQueued, DEFAULT_JOB_DURATIONS_SECONDS, DURATION_SAMPLE_SIZE, estimateWaits, type JobDuration, median, type QueuedJobRef } from './job/queue-order.js';
export { type SlotCandidate, type SlotClaim, slotClaims } from './job/gpu-slots.js';
export { sameHints, type WarmCandidate, type WarmRoute, warmRoute, type WarmServerView, type WarmStart, WARM_STARTS } from './job/warm-start.js';
export { type ContainerObservation, recoveryAction } from './job/recovery.js';
export { isValidPromptName, PROMPT_NAME_MAX_LENGTH } from './naming/prompt-name.js';
export { smartName } from './naming/smart-name.js';
export { isRelativePosixPath } from './naming/relative-path.js';
export { type GpuNodeCommand, gpuNodeDecider } from './node/gpu-node.decider.js';
export { GPU_NODE_EVENT_TYPES, type GpuNodeEvent, gpuNodeStream } from './node/gpu-node.events.js';
export { killPlan, type KillStep, type KillTarget } from './node/kill-plan.js';
export type { CreatePrompt, PromptCommand } from './prompt/prompt.commands.js';
export { promptDecider, type PromptState } from './prompt/prompt.decider.js';
export { PromptHasActiveRuns, PromptHasRuns, PromptNotFound } from './prompt/prompt.errors.js';
export { type EnhancedFrom, type ModelType, PROMPT_EVENT_TYPES, type PromptCreated, type PromptEvent, type PromptInputs, promptStream, type VideoFacts } from './prompt/prompt.events.js';
export { promptCreatedFrom } from './prompt/prompt.validation.js';
export type { QueueCommand } from './queue/queue.commands.js';
export { QueueAlreadyPaused, queueDecider, type QueueState } from './queue/queue.decider.js';
export { QUEUE_EVENT_TYPES, QUEUE_STREAM, type QueueEvent } from './queue/queue.events.js';
export type { DeleteRun, MoveRunToBatch, RunCommand } from './run/run.commands.js';
export { runDecider, type RunState } from './run/run.decider.js';
export { RunInvalidTransition, RunNotActive, RunNotCompleted, RunNotFound, RunNotMovable } from './run/run.errors.js';
export { ACTIVE_RUN_STATUSES, type FailureReason, FINISHED_RUN_STATUSES, type OutputFile, type OutputFileKind, RUN_EVENT_TYPES, RUN_STATUS_CHANGED_SCHEMA_VERSION, type RunDeleted, type RunEvent, type RunKind, type RunMovedToBatch, type RunProgressStatus, type RunRequested, type RunStatus, runStatusChangedFromV1, runStream } from './run/run.events.js';
export { assertNever } from './shared/assert-never.js';
export type { Decider } from './shared/decider.js';
export { DomainError, type FieldProblem, InvalidInput, RevisionConflict } from './shared/domain-error.js';
export type { DomainEvent, EventOfType } from './shared/domain-event.js';
export { ids, RUN_ID } from './shared/ids.js';
export { type BatchSource, batchQueueStep, mergeSteps, moveSteps, type RunMove } from './batching/batch-apply.js';
export { type PromptDeletionRequest, type PromptDeletionStep, promptDeletionPlan, RUN_DELETION_REFUSALS } from './deletion/prompt-deletion.js';
export { afterQueued, type AfterQueued, type JobRequest, type PlannedCommand, queueJobStep, reserveKeyStep } from './job/request-plan.js';
export { promptTextProblem, sanitizePromptText } from './prompt/prompt-text.js';
