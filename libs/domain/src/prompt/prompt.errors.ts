import { DomainError } from '../shared/domain-error.js';

/** A deleted prompt is reported as not found too: it no longer exists for any command. */
export class PromptNotFound extends DomainError<{ promptId: string; deletedAt: string | null }> {
  constructor(promptId: string, deletedAt: string | null = null) {
    super(
      'NOT_FOUND',
      deletedAt === null ? `Prompt ${promptId} not found` : `Prompt ${promptId} not found: it was deleted at ${deletedAt}`,
      { promptId, deletedAt },
    );
  }
}

export class PromptAlreadyExists extends DomainError<{ promptId: string }> {
  constructor(promptId: string, deleted: boolean) {
    super(
      'PROMPT_ALREADY_EXISTS',
      deleted ? `Prompt ${promptId} existed and was deleted; prompt ids are never reused` : `Prompt ${promptId} already exists`,
      { promptId },
    );
  }
}

export class PromptHasActiveRuns extends DomainError<{ promptId: string; activeRunIds: string[] }> {
  constructor(promptId: string, activeRunIds: readonly string[]) {
    super(
      'PROMPT_HAS_ACTIVE_RUNS',
      `Prompt ${promptId} has ${activeRunIds.length} active run(s) (${activeRunIds.join(', ')}): ` +
        'cancel them or wait for them to finish before deleting it',
      { promptId, activeRunIds: [...activeRunIds] },
    );
  }
}

/**
 * An OVERWRITE enhancement would change the text those runs were made from. `preview` is what
 * deleting them (the `force` way out) would remove, attached by the application layer.
 */
export class PromptHasRuns extends DomainError<{ promptId: string; runIds: string[]; preview: object | null }> {
  constructor(promptId: string, runIds: readonly string[], preview: object | null = null) {
    super(
      'PROMPT_HAS_RUNS',
      `Prompt ${promptId} has ${runIds.length} run(s) made from its current text (${runIds.join(', ')}): ` +
        'enhance it with CREATE_NEW, or OVERWRITE with force to delete those runs (their output files stay)',
      { promptId, runIds: [...runIds], preview },
    );
  }
}
