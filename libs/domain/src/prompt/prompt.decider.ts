import { assertNever } from '../shared/assert-never.js';
import type { Decider } from '../shared/decider.js';
import { InvalidInput } from '../shared/domain-error.js';
import type { PromptCommand, ReplacePromptText } from './prompt.commands.js';
import { PromptAlreadyExists, PromptHasActiveRuns, PromptNotFound } from './prompt.errors.js';
import type { ModelType, PromptEvent, PromptTextReplaced } from './prompt.events.js';
import { promptTextProblem, sanitizePromptText } from './prompt-text.js';
import { promptCreatedFrom } from './prompt.validation.js';

export type PromptState =
  | { readonly status: 'NotCreated' }
  | {
      readonly status: 'Active';
      readonly name: string;
      readonly modelType: ModelType;
      readonly createdAt: string;
      /** Enhancement runs whose text has been written here; a retried replacement is a no-op. */
      readonly replacedByRunIds: readonly string[];
    }
  | { readonly status: 'Deleted'; readonly deletedAt: string };

type ActivePrompt = Extract<PromptState, { status: 'Active' }>;

export const promptDecider: Decider<PromptCommand, PromptEvent, PromptState> = {
  name: 'prompt',
  initialState: { status: 'NotCreated' },

  decide(command, state) {
    switch (command.type) {
      case 'CreatePrompt':
        if (state.status !== 'NotCreated') throw new PromptAlreadyExists(command.promptId, state.status === 'Deleted');
        return [promptCreatedFrom(command)];
      case 'ReplacePromptText':
        return replaceText(command, requireActive(command.promptId, state));
      case 'DeletePrompt':
        requireActive(command.promptId, state);
        if (command.activeRunIds.length > 0) throw new PromptHasActiveRuns(command.promptId, command.activeRunIds);
        return [
          {
            type: 'PromptDeleted',
            data: { deletedAt: command.now, deletedBy: command.actor, deleteOutputs: command.deleteOutputs, runIds: [...command.runIds] },
          },
        ];
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PromptCreated':
        return {
          status: 'Active',
          name: event.data.name,
          modelType: event.data.modelType,
          createdAt: event.data.createdAt,
          replacedByRunIds: [],
        };
      case 'PromptTextReplaced':
        if (state.status !== 'Active') return state;
        return { ...state, replacedByRunIds: [...state.replacedByRunIds, event.data.runId] };
      case 'PromptDeleted':
        return { status: 'Deleted', deletedAt: event.data.deletedAt };
      default:
        return assertNever(event);
    }
  },
};

function requireActive(promptId: string, state: PromptState): ActivePrompt {
  switch (state.status) {
    case 'Active':
      return state;
    case 'NotCreated':
      throw new PromptNotFound(promptId);
    case 'Deleted':
      throw new PromptNotFound(promptId, state.deletedAt);
    default:
      return assertNever(state);
  }
}

function replaceText(command: ReplacePromptText, prompt: ActivePrompt): PromptTextReplaced[] {
  if (prompt.replacedByRunIds.includes(command.runId)) return [];
  const problem = promptTextProblem(command.text, true);
  if (problem !== null) throw new InvalidInput([{ field: 'input.text', problem }]);
  return [
    {
      type: 'PromptTextReplaced',
      data: { text: sanitizePromptText(command.text), runId: command.runId, model: command.model, replacedAt: command.now },
    },
  ];
}
