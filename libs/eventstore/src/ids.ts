import { randomBytes, randomUUID } from 'node:crypto';

/** The one id generator. Ids are made outside deciders and passed in with commands. */
export const ids = {
  prompt: (): string => `ps_${randomBytes(16).toString('hex')}`,
  run: (): string => `rs_${randomBytes(16).toString('hex')}`,
  job: (): string => `job_${randomBytes(8).toString('hex')}`,
  batchPlan: (): string => `bp_${randomBytes(8).toString('hex')}`,
  command: (): string => randomUUID(),
};

export const PROMPT_ID = /^ps_[0-9a-f]{32}$/;
export const RUN_ID = /^rs_[0-9a-f]{32}$/;
