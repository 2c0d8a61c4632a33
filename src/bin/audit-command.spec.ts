import type { AuditDto } from '../audit/dto/audit.dto';
import { AUDIT_EXIT, auditExitCode, summaryTable } from './audit-command';

const audit = {
  id: 'a1',
  state: 'done',
  period: { start: '2026-12-01T00:00:00.000Z', end: '2026-12-02T00:00:00.000Z' },
  queueIds: [],
  summary: {
    conversations: 12,
    byStatus: { verified: 9, issued_after_start: 2, tampered: 1 },
    attributes: {},
    unsignedRate: 0,
    tamperedWithoutIssuedSet: 0,
    noCustomAttributes: 0,
    truncated: 0,
    settledByConversation: 3,
  },
} as unknown as AuditDto;

describe('summaryTable', () => {
  it('puts every count in one column, the longest label included', () => {
    const countLines = summaryTable(audit)
      .split('\n')
      .filter((line) => /\d$/.test(line) && !line.includes('period'));
    expect(countLines.map((line) => line.trimStart().split(/\s{2,}/)[0])).toContain('settled by a conversation GET');
    expect(new Set(countLines.map((line) => line.length)).size).toBe(1);
  });
});

describe('auditExitCode: unsettled is not "nothing tampered"', () => {
  const withStatuses = (byStatus: Record<string, number>) =>
    ({ ...audit, summary: { ...audit.summary, byStatus } }) as unknown as AuditDto;

  it.each<[Record<string, number>, number]>([
    [{ verified: 10 }, AUDIT_EXIT.clean],
    [{ verified: 10, tampered: 1, unsettled: 3 }, AUDIT_EXIT.tampered],
    [{ verified: 10, unsettled: 1 }, AUDIT_EXIT.notAllJudged],
    [{ verified: 10, unreadable: 1 }, AUDIT_EXIT.notAllJudged],
  ])('%j exits %i', (byStatus, code) => {
    expect(auditExitCode(withStatuses(byStatus))).toBe(code);
  });

  it('says in the summary how many could not be judged, and that nothing can be said of them', () => {
    const table = summaryTable(withStatuses({ verified: 10, unsettled: 2 }));
    expect(table).toContain('Not judged: 2 conversations');
    expect(table).toContain('Whether they were tampered cannot be said');
    expect(summaryTable(withStatuses({ verified: 10 }))).not.toContain('Not judged');
  });
});
