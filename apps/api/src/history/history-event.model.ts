import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { HistoryEvent } from '../../../../libs/history/src/index.js';
import { JSONScalar } from '../graphql/json.scalar.js';

@ObjectType({ description: 'Who asked for an event and why: the command it belongs to and what caused it.' })
export class EventMetadata {
  @Field({ description: 'The user command (or root cause) every event it caused shares.' })
  correlationId: string;

  @Field({ description: 'The command or event that directly caused this event.' })
  causationId: string;

  @Field({ description: 'Who asked: a token\'s name (or, with no tokens, the declared user), or `system:worker` for the steps the service takes by itself.' })
  actor: string;

  @Field(() => String, { nullable: true, description: 'The role the actor asked with; null for the service\'s own steps and events from before roles.' })
  actorRole: string | null;
}

@ObjectType({ description: 'One event of the log, its payload upcast to the current shape.' })
export class Event {
  @Field(() => ID)
  id: string;

  @Field()
  type: string;

  @Field({ description: 'The stream it belongs to, e.g. `run-rs_…`.' })
  stream: string;

  @Field(() => Int, { description: 'Its 0-based place in the stream.' })
  revision: number;

  @Field({ description: 'Its place in the whole log (a number; a string, since EventStoreDB positions exceed 32 bits).' })
  position: string;

  @Field(() => Date, { description: 'When the command behind it was accepted.' })
  occurredAt: Date;

  @Field(() => Date, { description: 'When the store recorded it.' })
  recordedAt: Date;

  @Field(() => Int, { description: 'The version `data` is in: the current one, after upcasting.' })
  schemaVersion: number;

  @Field(() => Int, { description: 'The version the event was written at.' })
  storedSchemaVersion: number;

  @Field(() => JSONScalar)
  data: object;

  @Field(() => EventMetadata)
  metadata: EventMetadata;

  static from(event: HistoryEvent): Event {
    return Object.assign(new Event(), {
      id: event.id,
      type: event.type,
      stream: event.streamId,
      revision: event.revision,
      position: String(event.position),
      occurredAt: new Date(event.occurredAt),
      recordedAt: new Date(event.recordedAt),
      schemaVersion: event.schemaVersion,
      storedSchemaVersion: event.storedSchemaVersion,
      data: event.data,
      metadata: { correlationId: event.correlationId, causationId: event.causationId, actor: event.actor, actorRole: event.actorRole },
    });
  }
}

@ObjectType()
export class EventEdge {
  @Field()
  cursor: string;

  @Field(() => Event)
  node: Event;
}

@ObjectType({ description: 'Relay page info: both directions, since the log pages backward with last/before too.' })
export class EventPageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType()
export class EventConnection {
  @Field(() => [EventEdge])
  edges: EventEdge[];

  @Field(() => EventPageInfo)
  pageInfo: EventPageInfo;

  /** Counted only when selected: the one costly part of a page of a long log. */
  count: () => Promise<number>;
}
