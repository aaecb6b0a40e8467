import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { table } from '../output/table.js';

interface Report {
  readonly checkedPrompts: number;
  readonly checkedRuns: number;
  readonly issues: readonly { kind: string; subject: string; detail: string }[];
  readonly actions: readonly { kind: string; subject: string; detail: string }[];
  readonly notes: readonly string[];
}

/** verifyIntegrity: what is inconsistent, and with --fix what was done. Exit 1 when issues remain unfixed. */
export async function verify(ctx: CommandContext, options: { fix?: boolean }): Promise<void> {
  const fix = options.fix === true;
  const { verifyIntegrity: report } = await ctx.client.query<{ verifyIntegrity: Report }>(
    `mutation($fix: Boolean!) { verifyIntegrity(fix: $fix) { checkedPrompts checkedRuns issues { kind subject detail } actions { kind subject detail } notes } }`,
    { fix },
  );
  if (ctx.out.json) ctx.out.document(report);
  else {
    ctx.out.line(`checked ${report.checkedPrompts} prompt(s) and ${report.checkedRuns} run(s): ${report.issues.length} issue(s)`);
    if (report.issues.length > 0) ctx.out.line(table(['issue', 'subject', 'detail'], report.issues.map((issue) => [issue.kind, issue.subject, issue.detail]), 90));
    if (report.actions.length > 0) ctx.out.line(table(['fixed', 'subject', 'detail'], report.actions.map((action) => [action.kind, action.subject, action.detail]), 90));
    for (const note of report.notes) ctx.out.line(`note: ${note}`);
  }
  if (report.issues.length > 0 && !fix) throw new CliError(EXIT.failed, `${report.issues.length} issue(s) found; \`cosmos verify --fix\` repairs what it can`);
}
