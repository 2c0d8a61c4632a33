import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditService } from '../audit/audit.service';
import type { AuditDto } from '../audit/dto/audit.dto';
import { DATE_TIME_WITH_OFFSET } from '../audit/dto/create-audit.dto';
import { jsonForTerminal, neutralise } from '../logging/printable-text';
import { CommandFailure, runCommand, withServiceContext, type CommandOutput } from './service-command';

/** Exit codes, documented in docs/cli.md and the command's help. */
export const AUDIT_EXIT = { clean: 0, tampered: 1, usage: 2, notChecked: 3, notAllJudged: 4 } as const;

/** Conversations the audit could not judge: a cut value no conversation GET settled, or job data it could not read. */
const notJudged = (audit: AuditDto) =>
  (audit.summary.byStatus.unsettled ?? 0) + (audit.summary.byStatus.unreadable ?? 0);

/**
 * Tampered first; then "nothing tampered" only when every conversation was judged: an unsettled one may be tampered.
 */
export function auditExitCode(audit: AuditDto): number {
  if ((audit.summary.byStatus.tampered ?? 0) > 0) return AUDIT_EXIT.tampered;
  return notJudged(audit) > 0 ? AUDIT_EXIT.notAllJudged : AUDIT_EXIT.clean;
}

const RELATIVE = /^(\d{1,5})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `24h`, `7d`, `90m` before now, or an ISO 8601 date-time with its offset. */
export function parseMoment(value: string, now: number): string {
  const relative = value.length <= 8 ? RELATIVE.exec(value) : null;
  if (relative) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]).toISOString();
  if (value.length <= 40 && DATE_TIME_WITH_OFFSET.test(value)) return value;
  throw new InvalidArgumentError('give a duration before now (90m, 24h, 7d) or an ISO 8601 date-time with an offset.');
}

const POLL_MS = 200;

export interface AuditCommandOptions {
  since: string;
  until?: string;
  queue?: string[];
  json?: boolean;
  csv?: boolean;
}

/** The summary as a table: statuses, then attribute findings, then the coverage. */
export function summaryTable(audit: AuditDto): string {
  const counts: [label: string, value: string | number][] = [
    ['conversations', audit.summary.conversations],
    ...Object.entries(audit.summary.byStatus)
      .sort(([, a], [, b]) => b - a)
      .map(([status, count]): [string, number] => [`  ${status}`, count]),
    ['tampered, no issued set', audit.summary.tamperedWithoutIssuedSet],
    ['unsigned rate', `${(audit.summary.unsignedRate * 100).toFixed(1)} %`],
    ['no custom attributes at all', audit.summary.noCustomAttributes],
    ['cut by analytics', audit.summary.truncated],
    ['settled by a conversation GET', audit.summary.settledByConversation],
  ];
  const labelWidth = Math.max(...counts.map(([label]) => label.length));
  const lines = [
    `Audit ${audit.id}: ${audit.state}`,
    `  period ${audit.period.start} to ${audit.period.end}${audit.queueIds.length > 0 ? `, queues ${audit.queueIds.join(', ')}` : ''}`,
    '',
    ...counts.map(([label, value]) => `  ${label.padEnd(labelWidth)} ${String(value).padStart(8)}`),
  ];
  const attributes = Object.entries(audit.summary.attributes);
  if (attributes.length > 0) {
    lines.push(
      '',
      `  ${'attribute'.padEnd(20)} ${['mismatch', 'missing', 'unexpected', 'case', 'late'].map((h) => h.padStart(11)).join('')}`,
    );
    for (const [name, counts] of attributes) {
      lines.push(
        `  ${name.slice(0, 20).padEnd(20)} ${[counts.mismatch, counts.missing, counts.unexpected, counts.case_mismatch, counts.late].map((n) => String(n).padStart(11)).join('')}`,
      );
    }
  }
  const unjudged = notJudged(audit);
  if (unjudged > 0) {
    lines.push(
      '',
      `  Not judged: ${unjudged} conversation${unjudged === 1 ? '' : 's'} (unsettled: a value analytics cut that no conversation GET settled; unreadable: job data that could not be read).`,
      `  Whether ${unjudged === 1 ? 'it was' : 'they were'} tampered cannot be said: verify ${unjudged === 1 ? 'it' : 'them'} one by one, or raise AUDIT_MAX_CONVERSATION_LOOKUPS.`,
    );
  }
  if (audit.coverage?.notYetAvailable) {
    lines.push(
      '',
      `  Not audited yet: ${audit.coverage.notYetAvailable.start} to ${audit.coverage.notYetAvailable.end} is past the analytics availability date.`,
    );
  }
  if (audit.failure) lines.push('', `  Failed: ${audit.failure.message} (${audit.failure.code})`);
  // A failure message can quote Genesys, a search names a visitor: nothing reaches the terminal as a control character.
  return `${lines.map(neutralise).join('\n')}\n`;
}

/** Progress on stderr: a bar in a terminal, a plain line per change otherwise (CI logs, pipes). */
function progressReporter(output: CommandOutput, tty: boolean) {
  let bar: SingleBar | undefined;
  let last = '';
  return {
    update(audit: AuditDto) {
      const progress = audit.progress;
      const payload = {
        state: progress.genesysJobState ?? audit.state,
        pages: progress.pagesRead,
        conversations: progress.conversationsChecked,
      };
      if (tty) {
        bar ??= new SingleBar({
          format: 'audit [{bar}] jobs {value}/{total} | {state} | pages {pages} | conversations {conversations}',
          stream: process.stderr,
          hideCursor: true,
        });
        if (!bar.isActive) bar.start(Math.max(1, progress.jobs), progress.jobsDone, payload);
        bar.setTotal(Math.max(1, progress.jobs));
        bar.update(progress.jobsDone, payload);
        return;
      }
      const line = `audit ${audit.state}: jobs ${progress.jobsDone}/${progress.jobs}, ${payload.state}, pages ${payload.pages}, conversations ${payload.conversations}`;
      if (line !== last) output.stderr(`${line}\n`);
      last = line;
    },
    stop() {
      bar?.stop();
    },
  };
}

async function audit(options: AuditCommandOptions, output: CommandOutput, tty: boolean): Promise<number> {
  if (options.json && options.csv) throw new CommandFailure('Choose one of --json and --csv.', AUDIT_EXIT.usage);
  return withServiceContext(AUDIT_EXIT, async (app) => {
    const audits = app.get(AuditService);
    const reader = { subject: 'cli', admin: false };
    const created = await audits.create(
      { since: options.since, ...(options.until ? { until: options.until } : {}), queueIds: options.queue ?? [] },
      reader.subject,
    );
    const progress = progressReporter(output, tty);
    let current = created;
    try {
      while (current.state === 'queued' || current.state === 'running') {
        progress.update(current);
        await sleep(POLL_MS);
        current = await audits.find(created.id, reader);
      }
      progress.update(current);
    } finally {
      progress.stop();
    }
    if (options.csv) {
      for await (const chunk of (await audits.results(current.id, 'csv', reader)).lines) output.stdout(chunk);
    } else if (options.json) {
      output.stdout(jsonForTerminal(current));
    } else {
      output.stdout(summaryTable(current));
    }
    if (current.state === 'failed')
      throw new CommandFailure(
        `The audit failed: ${current.failure?.message ?? 'no reason given'}`,
        AUDIT_EXIT.notChecked,
      );
    return auditExitCode(current);
  });
}

/**
 * `npm run audit -- --since 24h [--queue ID] [--json | --csv]`: audits a period as
 * POST /api/verification/audits does, in this process, from the same environment as the service
 * (or the sandbox of a running `npm start`). Reads process.env; returns the exit code.
 */
export async function runAuditCommand(
  args: readonly string[],
  output: CommandOutput,
  tty: boolean,
  now: () => number = Date.now,
): Promise<number> {
  let exitCode: number = AUDIT_EXIT.usage;
  const moment = (value: string) => parseMoment(value, now());
  const program = new Command('npm run audit --')
    .description(
      "Audits a period's web messaging conversations through Genesys analytics jobs, as POST /api/verification/audits does.",
    )
    .requiredOption('--since <when>', 'start of the period: 90m, 24h, 7d before now, or an ISO 8601 date-time', moment)
    .option('--until <when>', 'end of the period (default now), in the same forms', moment)
    .option('--queue <queueId...>', 'only conversations routed to these queues')
    .addOption(new Option('--json', 'print the audit (state, coverage, summary) as JSON').conflicts('csv'))
    .addOption(new Option('--csv', 'print one CSV line per conversation (the results)').conflicts('json'))
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing tampered; 1 tampered conversations found; 2 usage or configuration error; 3 not audited (the audit failed, Genesys Cloud or the sandbox not answering); 4 nothing tampered among the conversations judged, but some could not be judged (unsettled or unreadable).',
    )
    .action(async (options: AuditCommandOptions) => {
      exitCode = await audit(options, output, tty);
    });
  return runCommand('audit', program, args, output, AUDIT_EXIT, () => exitCode);
}
