import { promptDeletionPlan } from './prompt-deletion.js';

const now = '2026-12-04T10:00:00.000Z';
const request = { promptId: 'ps_1', deleteOutputs: true, now, actor: 'ana' };

describe('deleting a prompt', () => {
  it('given settled runs, deletes each run (removing its files after) and then the prompt', () => {
    const steps = promptDeletionPlan({ ...request, runs: [{ runId: 'rs_1', active: false }, { runId: 'rs_2', active: false }] });
    expect(steps.map((step) => [step.type, step.type === 'DeleteRun' ? step.command.runId : step.command.promptId, step.type === 'DeleteRun' && step.removeOutputs])).toEqual([
      ['DeleteRun', 'rs_1', true],
      ['DeleteRun', 'rs_2', true],
      ['DeletePrompt', 'ps_1', false],
    ]);
    expect(steps.at(-1)).toEqual({ type: 'DeletePrompt', command: { type: 'DeletePrompt', promptId: 'ps_1', deleteOutputs: true, runIds: ['rs_1', 'rs_2'], activeRunIds: [], now, actor: 'ana' } });
  });

  it('given an active run, deletes nothing first: the prompt is asked once, naming the active run, and refuses', () => {
    const steps = promptDeletionPlan({ ...request, runs: [{ runId: 'rs_1', active: false }, { runId: 'rs_2', active: true }] });
    expect(steps).toEqual([{ type: 'DeletePrompt', command: expect.objectContaining({ runIds: ['rs_1', 'rs_2'], activeRunIds: ['rs_2'] }) }]);
  });

  it('keeps files unless asked, and a prompt without runs is one step', () => {
    const steps = promptDeletionPlan({ ...request, deleteOutputs: false, runs: [{ runId: 'rs_1', active: false }] });
    expect(steps[0]).toMatchObject({ type: 'DeleteRun', removeOutputs: false });
    expect(promptDeletionPlan({ ...request, runs: [] }).map((step) => step.type)).toEqual(['DeletePrompt']);
  });
});
