import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Every id's shape and its generator, in one place. Ids are made outside deciders (by whoever
 * issues the command) and passed in with commands, so deciders stay deterministic.
 */
export const ids = {
  prompt: (): string => `ps_${randomBytes(16).toString('hex')}`,
  run: (): string => `rs_${randomBytes(16).toString('hex')}`,
  job: (): string => `job_${randomBytes(8).toString('hex')}`,
  batchPlan: (): string => `bp_${randomBytes(8).toString('hex')}`,
  command: (): string => randomUUID(),
};

export const PROMPT_ID = /^ps_[0-9a-f]{32}$/;
export const RUN_ID = /^rs_[0-9a-f]{32}$/;
/**
 * A job id becomes a stream name, a remote folder and part of a Docker container name
 * (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`), so only hex of the generator's kind is accepted (12..32
 * digits; the generator makes 16).
 */
export const JOB_ID = /^job_[0-9a-f]{12,32}$/;
