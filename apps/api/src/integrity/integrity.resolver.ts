import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Requires } from '../auth/requires.decorator.js';
import type { RequestContext } from '../graphql/request-context.js';
import { IntegrityAction, IntegrityIssue, IntegrityReport } from './integrity-report.model.js';
import { IntegrityService } from './integrity.service.js';

@Resolver()
export class IntegrityResolver {
  constructor(private readonly integrity: IntegrityService) {}

  @Requires((args) => (args.fix === true ? 'admin' : 'operator'))
  @Mutation(() => IntegrityReport, {
    description:
      'Check every prompt and run: output and input files on disk, orphan run folders, runs no job is executing, and each read model ' +
      'against a rebuild from the events. With fix: rebuild drifted read models and fail stuck runs (ORPHANED); files are never deleted.',
  })
  async verifyIntegrity(
    @Context() request: RequestContext,
    @Args('fix', { type: () => Boolean, defaultValue: false }) fix: boolean,
  ): Promise<IntegrityReport> {
    const findings = await this.integrity.verify(fix, request);
    return Object.assign(new IntegrityReport(), {
      ...findings,
      issues: findings.issues.map((issue) => Object.assign(new IntegrityIssue(), issue)),
      actions: findings.actions.map((action) => Object.assign(new IntegrityAction(), action)),
    });
  }
}
