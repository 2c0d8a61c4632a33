import type { VerificationReportDto } from './dto/verification-report.dto';
import { reportJson, reportText } from './report-text';

const hostile = 'Gold\u001b[2J\u001b]0;owned\u0007\u009b31m\u202eevil\r\n';
const report: VerificationReportDto = {
  conversationId: '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f',
  status: 'tampered',
  signatureProblem: 'mismatch',
  participantId: 'p',
  conversationStartedAt: '2026-11-24T09:04:12.000Z',
  attributes: [
    { name: 'userTier', status: 'mismatch', arrived: hostile, issued: 'Gold', required: true, trusted: false },
    { name: `vip${hostile}`, status: 'unexpected', arrived: 'true', required: false, trusted: false },
  ],
  checkedAt: '2026-11-24T09:05:00.000Z',
};

describe('verification report output', () => {
  it('prints a table in which no visitor-written character can act on the terminal', () => {
    const text = reportText(report);
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('conversation 0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f: TAMPERED (signature: mismatch)');
    expect(text).toContain('no valid signature: nothing vouches for a user');
    expect(text.split('\n')).toHaveLength(9);
  });

  it('writes JSON that parses back to the same report and holds no raw C1 or bidi character', () => {
    const json = reportJson(report);
    expect(json).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(json)).toEqual(report);
  });
});
