import { type FormEvent, useState } from 'react';
import { DeleteChoice, Dialog, ProblemNotice } from '../components/ui';
import { DeletePromptDocument, DeletionPreviewDocument, EnhancePromptDocument, type PresetLevel, RequestInferenceDocument } from '../graphql/generated';
import { useMutation, useQuery } from '../lib/hooks';
import { navigate } from '../lib/router';
import { CONTROLS, DEFAULT_INFERENCE, GPU_COUNTS, inferenceInput, type InferenceSettings, PRESETS } from '../lib/requests';
import { problemsOf, type Refusal } from '../lib/results';

/** Run inference on the selected prompts: weights per control, the advanced parameters, a dry run of the exact spec. */
export function InferenceDialog({ promptIds, open, onClose }: { promptIds: readonly string[]; open: boolean; onClose: () => void }) {
  return (
    <Dialog title={`Run inference on ${promptIds.length} prompt${promptIds.length === 1 ? '' : 's'}`} open={open} onClose={onClose}>
      <InferenceForm promptIds={promptIds} onClose={onClose} />
    </Dialog>
  );
}

function InferenceForm({ promptIds, onClose }: { promptIds: readonly string[]; onClose: () => void }) {
  const [settings, setSettings] = useState<InferenceSettings>(DEFAULT_INFERENCE);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [preview, setPreview] = useState<{ command: readonly string[]; specs: readonly { path: string; content: string }[] } | null>(null);
  const request = useMutation(RequestInferenceDocument);
  const set = <K extends keyof InferenceSettings>(key: K, value: InferenceSettings[K]) => {
    setSettings((held) => ({ ...held, [key]: value }));
    setPreview(null);
  };

  const send = async (dryRun: boolean) => {
    const answer = await request.run({ input: inferenceInput(promptIds, settings, dryRun) });
    if (!answer) return;
    const result = answer.requestInference;
    setRefusal(problemsOf(result));
    if (result.__typename === 'DryRun') setPreview({ command: result.command, specs: result.specs });
    if (result.__typename === 'JobRequested' && result.job) {
      onClose();
      navigate(`/jobs/${result.job.id}`);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(false);
  };
  const text = (key: 'numSteps' | 'guidance' | 'sigmaMax' | 'seed' | 'fps' | 'priority', label: string, hint: string) => (
    <span className="field">
      <label htmlFor={`inference-${key}`}>{label}</label>
      <input id={`inference-${key}`} inputMode="decimal" value={settings[key]} placeholder={hint} onChange={(event) => set(key, event.target.value)} />
    </span>
  );
  const preset = (key: 'blurStrength' | 'cannyThreshold', label: string) => (
    <span className="field">
      <label htmlFor={`inference-${key}`}>{label}</label>
      <select id={`inference-${key}`} value={settings[key]} onChange={(event) => set(key, event.target.value as PresetLevel | '')}>
        <option value="">default</option>
        {PRESETS.map((level) => (
          <option key={level} value={level}>
            {level.replace('_', ' ')}
          </option>
        ))}
      </select>
    </span>
  );
  return (
    <form className="form" onSubmit={submit}>
      <fieldset>
        <legend>Control weights</legend>
        {CONTROLS.map(([control, label]) => (
          <span className="slider" key={control}>
            <label htmlFor={`weight-${control}`}>{label}</label>
            <input
              id={`weight-${control}`}
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={settings.weights[control]}
              onChange={(event) => set('weights', { ...settings.weights, [control]: Number(event.target.value) })}
            />
            <output htmlFor={`weight-${control}`}>{settings.weights[control].toFixed(2)}</output>
          </span>
        ))}
      </fieldset>
      <details>
        <summary>Advanced parameters</summary>
        <div className="grid-fields">
          {text('numSteps', 'Steps', '35')}
          {text('guidance', 'Guidance', '7')}
          {text('sigmaMax', 'Sigma max', '70')}
          {text('seed', 'Seed', '1')}
          {text('fps', 'FPS', '24')}
          {text('priority', 'Priority', '0')}
          <span className="field">
            <label htmlFor="inference-numGpus">GPUs</label>
            <select id="inference-numGpus" value={settings.numGpus} onChange={(event) => set('numGpus', event.target.value as InferenceSettings['numGpus'])}>
              <option value="">default</option>
              {GPU_COUNTS.map((count) => (
                <option key={count} value={count}>
                  {count}
                </option>
              ))}
            </select>
          </span>
          {preset('blurStrength', 'Blur strength')}
          {preset('cannyThreshold', 'Canny threshold')}
        </div>
        <label htmlFor="inference-negative">Negative prompt for this job (optional)</label>
        <textarea id="inference-negative" rows={2} value={settings.negativePrompt} onChange={(event) => set('negativePrompt', event.target.value)} />
      </details>
      <ProblemNotice message={request.error?.message ?? refusal?.message ?? null} fields={refusal?.fields} />
      {preview && (
        <section className="preview-spec" aria-label="Dry run">
          <h3>Dry run: the command</h3>
          <pre>{preview.command.join(' ')}</pre>
          {preview.specs.map((spec) => (
            <div key={spec.path}>
              <h3>{spec.path}</h3>
              <pre>{spec.content}</pre>
            </div>
          ))}
        </section>
      )}
      <div className="actions">
        <button type="button" onClick={() => void send(true)} disabled={request.pending}>
          Preview spec
        </button>
        <button type="submit" className="primary" disabled={request.pending}>
          Queue inference
        </button>
      </div>
    </form>
  );
}

/** Enhance: a new prompt from the enhanced text, or overwrite this one (refused if it has runs unless forced). */
export function EnhanceDialog({ promptId, open, onClose }: { promptId: string; open: boolean; onClose: () => void }) {
  const [mode, setMode] = useState<'CREATE_NEW' | 'OVERWRITE'>('CREATE_NEW');
  const [force, setForce] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const enhance = useMutation(EnhancePromptDocument);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await enhance.run({ input: { promptId, mode, force } });
    if (!answer) return;
    const result = answer.enhancePrompt;
    setRefusal(problemsOf(result));
    if (result.__typename === 'JobRequested' && result.job) {
      onClose();
      navigate(`/jobs/${result.job.id}`);
    }
  };
  return (
    <Dialog title="Enhance the prompt" open={open} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <fieldset>
          <legend>How</legend>
          <label className="check">
            <input type="radio" name="mode" checked={mode === 'CREATE_NEW'} onChange={() => setMode('CREATE_NEW')} /> Create a new prompt with the enhanced text
          </label>
          <label className="check">
            <input type="radio" name="mode" checked={mode === 'OVERWRITE'} onChange={() => setMode('OVERWRITE')} /> Overwrite this prompt's text
          </label>
        </fieldset>
        {mode === 'OVERWRITE' && (
          <label className="check">
            <input type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} /> Overwrite even though runs were made with the current text
          </label>
        )}
        <ProblemNotice message={enhance.error?.message ?? refusal?.message ?? null} fields={refusal?.fields} />
        <div className="actions">
          <button type="submit" className="primary" disabled={enhance.pending}>
            Queue enhancement
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Delete with its preview: what goes (prompts, runs, output files), what is kept, what blocks it. */
export function DeletePromptDialog({ promptIds, open, onClose, onDeleted }: { promptIds: readonly string[]; open: boolean; onClose: () => void; onDeleted: () => void }) {
  return (
    <Dialog title={`Delete ${promptIds.length} prompt${promptIds.length === 1 ? '' : 's'}`} open={open} onClose={onClose}>
      <DeletePromptForm promptIds={promptIds} onClose={onClose} onDeleted={onDeleted} />
    </Dialog>
  );
}

function DeletePromptForm({ promptIds, onClose, onDeleted }: { promptIds: readonly string[]; onClose: () => void; onDeleted: () => void }) {
  const [deleteOutputs, setDeleteOutputs] = useState(false);
  const [failures, setFailures] = useState<string[]>([]);
  const remove = useMutation(DeletePromptDocument);
  return (
    <div className="form">
      {promptIds.map((promptId) => (
        <PromptDeletionPreview key={promptId} promptId={promptId} deleteOutputs={deleteOutputs} />
      ))}
      <DeleteChoice
        deleteOutputs={deleteOutputs}
        onDeleteOutputs={setDeleteOutputs}
        problem={remove.error?.message ?? (failures.length > 0 ? failures.join('; ') : null)}
        disabled={remove.pending}
        onKeep={onClose}
        onDelete={async () => {
          const refused: string[] = [];
          for (const promptId of promptIds) {
            const answer = await remove.run({ input: { promptId, deleteOutputs } });
            const refusal = answer ? problemsOf(answer.deletePrompt) : null;
            if (refusal) refused.push(`${promptId}: ${refusal.message}`);
          }
          setFailures(refused);
          if (refused.length === 0) {
            onDeleted();
            onClose();
          }
        }}
      />
    </div>
  );
}

function PromptDeletionPreview({ promptId, deleteOutputs }: { promptId: string; deleteOutputs: boolean }) {
  const preview = useQuery(DeletionPreviewDocument, { target: { promptId }, deleteOutputs });
  const facts = preview.data?.deletionPreview;
  if (!facts) return <p className="muted">Reading what {promptId} holds…</p>;
  return (
    <div className={`notice ${facts.blocked ? 'notice-bad' : ''}`} data-testid="deletion-preview">
      <p>
        <strong>{promptId}</strong>: {facts.promptCount} prompt, {facts.runCount} run{facts.runCount === 1 ? '' : 's'}; outputs: {facts.outputs.text}. {facts.kept}
      </p>
      {facts.blocked && <p>Blocked: runs still active ({facts.activeRunIds.join(', ')}). Cancel them first.</p>}
    </div>
  );
}
