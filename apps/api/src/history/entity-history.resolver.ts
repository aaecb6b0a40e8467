import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { jobStream, promptStream, runStream } from '../../../../libs/domain/src/index.js';
import { EventHistory } from '../../../../libs/history/src/index.js';
import { Job } from '../jobs/job.model.js';
import { Prompt } from '../prompts/prompt.model.js';
import { Run } from '../runs/run.model.js';
import { Event } from './history-event.model.js';

const HISTORY = { description: "This entity's own stream, oldest first: every event that made it what it is." };

@Resolver(() => Prompt)
export class PromptHistoryResolver {
  constructor(private readonly log: EventHistory) {}

  @ResolveField(() => [Event], HISTORY)
  async history(@Parent() prompt: Prompt): Promise<Event[]> {
    return (await this.log.stream(promptStream(prompt.id))).map(Event.from);
  }
}

@Resolver(() => Run)
export class RunHistoryResolver {
  constructor(private readonly log: EventHistory) {}

  @ResolveField(() => [Event], HISTORY)
  async history(@Parent() run: Run): Promise<Event[]> {
    return (await this.log.stream(runStream(run.id))).map(Event.from);
  }
}

@Resolver(() => Job)
export class JobHistoryResolver {
  constructor(private readonly log: EventHistory) {}

  @ResolveField(() => [Event], HISTORY)
  async history(@Parent() job: Job): Promise<Event[]> {
    return (await this.log.stream(jobStream(job.id))).map(Event.from);
  }
}
