import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum IntegrityIssueKind {
  MISSING_OUTPUT = 'MISSING_OUTPUT',
  MISSING_INPUT = 'MISSING_INPUT',
  ORPHAN_OUTPUT_FOLDER = 'ORPHAN_OUTPUT_FOLDER',
  STUCK_RUN = 'STUCK_RUN',
  STALLED_JOB = 'STALLED_JOB',
  UNFINISHED_BATCH = 'UNFINISHED_BATCH',
  PROJECTION_DRIFT = 'PROJECTION_DRIFT',
}
registerEnumType(IntegrityIssueKind, {
  name: 'IntegrityIssueKind',
  valuesMap: {
    MISSING_OUTPUT: { description: 'A completed run whose output files are not on disk (and were not deleted on purpose).' },
    MISSING_INPUT: { description: 'A prompt whose input videos are not under the inputs root.' },
    ORPHAN_OUTPUT_FOLDER: { description: 'A run_<id> folder of no existing run; reported only, never deleted.' },
    STUCK_RUN: { description: 'A run still pending or in progress that no live job is executing.' },
    STALLED_JOB: { description: 'A job queued before v3 some of whose runs were never recorded (a request cut short): no worker will claim it.' },
    UNFINISHED_BATCH: {
      description: 'A batch job that queued jobs were merged into, but that was never queued (smart batching cut short): their runs wait for it.',
    },
    PROJECTION_DRIFT: { description: 'A read model that differs from a rebuild from the events.' },
  },
});

export enum IntegrityActionKind {
  REBUILT_PROJECTION = 'REBUILT_PROJECTION',
  FAILED_ORPHAN_RUN = 'FAILED_ORPHAN_RUN',
  CANCELLED_STALLED_JOB = 'CANCELLED_STALLED_JOB',
  COMPLETED_BATCH = 'COMPLETED_BATCH',
}
registerEnumType(IntegrityActionKind, { name: 'IntegrityActionKind' });

@ObjectType()
export class IntegrityIssue {
  @Field(() => IntegrityIssueKind)
  kind: IntegrityIssueKind;

  @Field({ description: 'The run, prompt, job, run id of a folder, or projection concerned.' })
  subject: string;

  @Field()
  detail: string;
}

@ObjectType({ description: 'What `fix` changed.' })
export class IntegrityAction {
  @Field(() => IntegrityActionKind)
  kind: IntegrityActionKind;

  @Field()
  subject: string;

  @Field()
  detail: string;
}

@ObjectType({ description: 'Every prompt and run checked against the disk, the jobs and the events.' })
export class IntegrityReport {
  @Field(() => Int)
  checkedPrompts: number;

  @Field(() => Int)
  checkedRuns: number;

  @Field(() => [IntegrityIssue], { description: 'What was found, including what `fix` then repaired.' })
  issues: IntegrityIssue[];

  @Field(() => [IntegrityAction])
  actions: IntegrityAction[];

  @Field(() => [String], { description: 'Read models compared with a rebuild from the events.' })
  projectionsChecked: string[];

  @Field(() => [String], { description: 'What could not be checked or fixed here, and why.' })
  notes: string[];
}
