/** Injection token for the absolute folder run outputs live in (`run_<runId>/…` below it). */
export const OUTPUTS_ROOT = Symbol('OUTPUTS_ROOT');
