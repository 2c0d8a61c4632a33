import type { AuditDto } from '../audit/dto/audit.dto';
import { summaryTable } from './audit-command';

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
