import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Trace as HistoryTrace } from '../../../../libs/history/src/index.js';
import { Event } from './history-event.model.js';

@ObjectType({ description: 'One event in a trace, with its place in the causation tree.' })
export class TraceNode {
  @Field(() => Int, { description: '0 for an event the command caused directly, one more per event in between.' })
  depth: number;

  @Field(() => String, { nullable: true, description: 'The event that caused this one; null when the command did.' })
  parentEventId: string | null;

  @Field(() => Event)
  event: Event;
}

@ObjectType({ description: 'Everything one command caused, depth-first: each event after the event that caused it.' })
export class Trace {
  @Field()
  correlationId: string;

  @Field(() => [TraceNode])
  nodes: TraceNode[];

  @Field({ description: `True when the command caused more events than a trace reads (5,000).` })
  truncated: boolean;

  static from(trace: HistoryTrace): Trace {
    return Object.assign(new Trace(), {
      correlationId: trace.correlationId,
      truncated: trace.truncated,
      nodes: trace.nodes.map((node) => ({ depth: node.depth, parentEventId: node.parentEventId, event: Event.from(node.event) })),
    });
  }
}
