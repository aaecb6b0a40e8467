import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { QueueDoc } from '../../../../libs/read-models/src/index.js';

@ObjectType({ description: 'Whether GPU nodes may claim new jobs, and who last changed that.' })
export class Queue {
  @Field()
  paused: boolean;

  @Field(() => Date, { nullable: true })
  pausedAt: Date | null;

  @Field(() => String, { nullable: true })
  pausedBy: string | null;

  @Field(() => String, { nullable: true })
  pauseReason: string | null;

  @Field(() => Date, { nullable: true })
  resumedAt: Date | null;

  @Field(() => String, { nullable: true })
  resumedBy: string | null;

  @Field(() => Int, { description: 'Revision of the queue stream (-1 before its first event); pass it as expectedRevision to guard a change.' })
  revision: number;

  static from(doc: QueueDoc): Queue {
    return Object.assign(new Queue(), {
      paused: doc.paused,
      pausedAt: doc.pausedAt ? new Date(doc.pausedAt) : null,
      pausedBy: doc.pausedBy,
      pauseReason: doc.pauseReason,
      resumedAt: doc.resumedAt ? new Date(doc.resumedAt) : null,
      resumedBy: doc.resumedBy,
      revision: doc.streamRevision,
    });
  }
}
