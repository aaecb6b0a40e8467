import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { EntityAt as HistoryEntityAt } from '../../../../libs/history/src/index.js';
import { JSONScalar } from '../graphql/json.scalar.js';

@ObjectType({ description: 'An entity as its own stream says it was at a past moment, folded with the domain decider.' })
export class EntityAt {
  @Field({ description: 'prompt, run, job or queue.' })
  kind: string;

  @Field()
  id: string;

  @Field()
  stream: string;

  @Field({ description: 'False when no event of it had happened by then.' })
  exists: boolean;

  @Field({ description: "The decider state's status, e.g. Queued, Claimed, Finished." })
  status: string;

  @Field(() => Int, { description: 'Revision of the last event folded; -1 before the first.' })
  revision: number;

  @Field(() => String, { nullable: true })
  position: string | null;

  @Field(() => Date, { nullable: true, description: 'When the last event folded occurred.' })
  occurredAt: Date | null;

  @Field(() => JSONScalar, { description: "The decider's state, exactly as commands are decided on." })
  state: object;

  static from(at: HistoryEntityAt): EntityAt {
    const state = at.state as { status?: string };
    return Object.assign(new EntityAt(), {
      kind: at.kind,
      id: at.id,
      stream: at.streamId,
      exists: at.revision >= 0,
      status: state.status ?? 'unknown',
      revision: at.revision,
      position: at.position === null ? null : String(at.position),
      occurredAt: at.occurredAt === null ? null : new Date(at.occurredAt),
      state: at.state as object,
    });
  }
}
