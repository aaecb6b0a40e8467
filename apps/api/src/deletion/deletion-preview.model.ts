import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { FileSummary as FileSummaryValue } from '../../../../libs/media/src/index.js';
import { activeRunIds, plannedRuns, type DeletionPlan } from './deletion.planner.js';

const HISTORY_KEPT = 'deleted items stay in the event history.';

@ObjectType()
export class FileTypeSummary {
  @Field({ description: "Lower case, without the dot; '' for files without an extension." })
  extension: string;

  @Field(() => Int)
  count: number;

  @Field(() => Float)
  bytes: number;

  @Field({ description: 'e.g. "45.2 MB".' })
  size: string;
}

@ObjectType({ description: 'Files in output folders, grouped by extension.' })
export class FileSummary {
  @Field(() => Int)
  totalFiles: number;

  @Field(() => Float)
  totalBytes: number;

  @Field()
  totalSize: string;

  @Field({ description: '"3 mp4 files (45.2 MB), 2 json files (1.3 KB)"; "no files" when empty.' })
  text: string;

  @Field(() => [FileTypeSummary], { description: 'Largest share first.' })
  byType: FileTypeSummary[];

  static from(summary: FileSummaryValue): FileSummary {
    return Object.assign(new FileSummary(), {
      ...summary,
      byType: summary.byType.map((type) => Object.assign(new FileTypeSummary(), type)),
    });
  }
}

@ObjectType({ description: 'What a deletion would remove, and what it keeps.' })
export class DeletionPreview {
  @Field(() => [String])
  promptIds: string[];

  @Field(() => Int)
  promptCount: number;

  @Field(() => [String], { description: 'The runs deleted, including those of the prompts.' })
  runIds: string[];

  @Field(() => Int)
  runCount: number;

  @Field(() => [String], {
    description: 'Runs still pending, uploading, running or downloading: they block deleting themselves and their prompt.',
  })
  activeRunIds: string[];

  @Field({ description: 'True when active runs block some of it: a single deletion is refused, a bulk one skips them.' })
  blocked: boolean;

  @Field(() => FileSummary, { description: "The files in the runs' output folders." })
  outputs: FileSummary;

  @Field()
  deleteOutputs: boolean;

  @Field({ description: 'What stays, in a sentence.' })
  kept: string;

  static from(plan: DeletionPlan, outputs: FileSummaryValue, deleteOutputs: boolean): DeletionPreview {
    const runs = plannedRuns(plan);
    const active = activeRunIds(runs);
    return Object.assign(new DeletionPreview(), {
      promptIds: plan.prompts.map((planned) => planned.prompt.id),
      promptCount: plan.prompts.length,
      runIds: runs.map((run) => run.id),
      runCount: runs.length,
      activeRunIds: active,
      blocked: active.length > 0,
      outputs: FileSummary.from(outputs),
      deleteOutputs,
      kept: keptSentence(outputs, deleteOutputs),
    });
  }
}

/** "Output files stay on disk (3 mp4 files (45.2 MB)); deleted items stay in the event history." */
function keptSentence(outputs: FileSummaryValue, deleteOutputs: boolean): string {
  if (deleteOutputs) return 'Deleted items stay in the event history.';
  if (outputs.totalFiles === 0) return `No output files are on disk; ${HISTORY_KEPT}`;
  return `Output files stay on disk (${outputs.text}); ${HISTORY_KEPT}`;
}
