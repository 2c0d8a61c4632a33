import { emptySummary, tally, unsignedRate } from './audit-summary';
import { CSV_COLUMNS, CSV_HEADER, csvLine, possiblyCut, verdictOf, type AuditVerdict } from './audit-verdict';
import type { VerificationReportDto } from '../verification/dto/verification-report.dto';

const report = (
  status: string,
  attributes: Partial<VerificationReportDto['attributes'][number]>[],
): VerificationReportDto =>
  ({
    conversationId: 'c1',
    status,
    conversationStartedAt: '2026-11-30T10:00:00.000Z',
    checkedAt: '2026-12-01T00:00:00.000Z',
    attributes: attributes.map((row) => ({ required: false, trusted: false, ...row })),
  }) as VerificationReportDto;

/** A registry of these names, as far as tallies ask it. */
const registryOf = (...names: string[]) => ({ covers: (name: string) => names.includes(name) });

const context = { noCustomAttributes: false, settledBy: 'job_results' as const, truncated: [], queueIds: [] };

describe('audit verdicts', () => {
  it('keeps the findings of a report, and for a late set the attributes that arrived', () => {
    const tampered = verdictOf(
      report('tampered', [
        { name: 'userTier', status: 'mismatch', issued: 'Gold', arrived: 'Platinum' },
        { name: 'userId', status: 'match', arrived: 'u' },
      ]),
      context,
    );
    expect(tampered.findings).toEqual([{ name: 'userTier', status: 'mismatch' }]);
    const late = verdictOf(
      report('issued_after_start', [
        { name: 'userId', status: 'match', arrived: 'u' },
        { name: 'email', status: 'missing' },
      ]),
      context,
    );
    expect(late.findings).toEqual([{ name: 'userId', status: 'late' }]);
  });

  it('says when a tampered conversation had no issued set to compare with, and counts those apart', () => {
    const uncompared = verdictOf(
      report('tampered', [
        { name: 'userTier', status: 'present', arrived: 'Platinum' },
        { name: 'userId', status: 'present', arrived: 'u' },
      ]),
      context,
    );
    expect(uncompared).toMatchObject({ status: 'tampered', findings: [], issuedSetUnknown: true });
    const compared = verdictOf(
      report('tampered', [{ name: 'userTier', status: 'mismatch', issued: 'Gold', arrived: 'Platinum' }]),
      context,
    );
    expect(compared.issuedSetUnknown).toBeUndefined();
    expect(
      verdictOf(report('unsigned', [{ name: 'userTier', status: 'present', arrived: 'Gold' }]), context)
        .issuedSetUnknown,
    ).toBeUndefined();
    const summary = emptySummary();
    for (const verdict of [uncompared, compared]) tally(summary, verdict, registryOf('userTier'));
    expect(summary).toMatchObject({
      byStatus: { tampered: 2 },
      tamperedWithoutIssuedSet: 1,
      attributes: { userTier: { mismatch: 1 } },
    });
    expect(csvLine(uncompared).split(',')[CSV_COLUMNS.indexOf('issuedSetUnknown')]).toBe('true');
  });

  it('tallies per status and per registry attribute, other names under one key', () => {
    const summary = emptySummary();
    const names = registryOf('userTier');
    const verdict = (status: AuditVerdict['status'], findings: AuditVerdict['findings']): AuditVerdict => ({
      conversationId: 'c',
      status,
      findings,
      settledBy: 'job_results',
    });
    tally(
      summary,
      verdict('tampered', [
        { name: 'userTier', status: 'mismatch' },
        { name: 'made-up-1', status: 'unexpected' },
        { name: 'made-up-2', status: 'unexpected' },
      ]),
      names,
    );
    tally(summary, verdict('unsigned', []), names);
    expect(summary.byStatus).toEqual({ tampered: 1, unsigned: 1 });
    expect(summary.attributes).toEqual({
      userTier: { mismatch: 1, missing: 0, unexpected: 0, case_mismatch: 0, late: 0 },
      other: { mismatch: 0, missing: 0, unexpected: 2, case_mismatch: 0, late: 0 },
    });
    expect(unsignedRate(summary)).toBe(0.5);
    expect(unsignedRate(emptySummary())).toBe(0);
  });

  it('writes CSV a spreadsheet cannot run: formulas defused, quotes and separators quoted', () => {
    const line = csvLine({
      conversationId: 'c',
      status: 'tampered',
      findings: [{ name: '=HYPERLINK("x")', status: 'unexpected' }],
      settledBy: 'job_results',
      claimedUserId: '+1,2',
    });
    expect(line).toBe(`c,,tampered,,"'+1,2",,,"'=HYPERLINK(""x""):unexpected",,,,job_results,,\r\n`);
    expect(CSV_HEADER.split(',')).toHaveLength(14);
  });

  it('names the attributes whose key or value analytics may have cut', () => {
    expect(possiblyCut({ short: 'x', long: 'y'.repeat(1024), ['k'.repeat(1024)]: 'z' })).toEqual([
      'long',
      'k'.repeat(1024),
    ]);
  });
});
