import { Inject, Injectable } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { type CreatePrompt, type FieldProblem, ids, InvalidInput, promptCreatedFrom, promptDecider, type PromptInputs, promptStream } from '../../../../libs/domain/src/index.js';
import { InputFolderError, MediaToolError, VideoProbeError, scanInputVideos, type ScannedInputs } from '../../../../libs/media/src/index.js';
import { promptsProjection } from '../../../../libs/read-models/src/index.js';
import type { CommandAccepted } from '../graphql/command-accepted.model.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import type { CreatePromptInput } from './create-prompt.input.js';

const VIDEO_DIR = 'input.videoDir';

/** Stands in for unreadable inputs so the other fields can still be checked in the same answer. */
const PLACEHOLDER_VIDEO = { path: 'x/color.mp4', frames: 1, fps: 24, width: 16, height: 9, durationSeconds: 1, codec: 'h264', sizeBytes: 1 };

/**
 * createPrompt: probes the input folder (confined to the inputs root), then issues CreatePrompt.
 * Every problem (folder, videos, text, name, model type) comes back in one InvalidInput.
 */
@Injectable()
export class PromptCreationService {
  constructor(
    private readonly commands: CommandIssuer,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
  ) {}

  async create(input: CreatePromptInput, request: RequestContext): Promise<{ accepted: CommandAccepted; promptId: string }> {
    const promptId = ids.prompt();
    const command = (inputs: PromptInputs): CreatePrompt => ({
      type: 'CreatePrompt',
      promptId,
      text: input.text,
      name: input.name ?? null,
      negativePrompt: input.negativePrompt ?? null,
      modelType: input.modelType ?? null,
      inputs,
      defaultNegativePrompt: this.config.generation.negativePrompt,
      now: this.commands.now(),
      actor: request.actor,
    });

    let scanned: ScannedInputs;
    try {
      scanned = await scanInputVideos(this.config.paths.inputsRoot, input.videoDir);
    } catch (error) {
      if (!(error instanceof InputFolderError || error instanceof VideoProbeError || error instanceof MediaToolError)) throw error;
      const placeholder = { videoDir: 'x', color: PLACEHOLDER_VIDEO, depth: null, segmentation: null };
      const others = fieldProblems(command(placeholder)).filter((p) => p.field !== VIDEO_DIR);
      throw new InvalidInput([{ field: VIDEO_DIR, problem: error.message }, ...others]);
    }

    const inputs: PromptInputs = {
      videoDir: scanned.videoDir,
      color: scanned.color,
      depth: scanned.depth ?? null,
      segmentation: scanned.segmentation ?? null,
    };
    const accepted = await this.commands.issue(promptDecider, command(inputs), request, {
      streamId: promptStream(promptId),
      readModels: [promptsProjection.name],
    });
    return { accepted, promptId };
  }
}

function fieldProblems(command: CreatePrompt): FieldProblem[] {
  try {
    promptCreatedFrom(command);
    return [];
  } catch (error) {
    if (error instanceof InvalidInput) return error.details.fields;
    throw error;
  }
}
