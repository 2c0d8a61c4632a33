import { judgeArrival, judgeAttributes, type JudgementInput, type SignatureFinding } from './report-judgement';

const registry = [
  { name: 'userId', required: true, pii: 'identifier' as const, trust: 'signed' as const },
  { name: 'userTier', required: true, pii: 'none' as const, trust: 'signed' as const },
  { name: 'lastOrderDate', required: false, pii: 'none' as const, trust: 'signed' as const },
  { name: 'email', required: false, pii: 'personal' as const, trust: 'signed' as const },
];
const VALID: SignatureFinding = { kind: 'valid', timing: 'current' };
const map = (values: Record<string, string>) => new Map(Object.entries(values));
const issuedSet = { userId: 'usr_1001', userTier: 'Gold', email: 'jane@example.com' };

type Case = Omit<Partial<JudgementInput>, 'arrived'> & { arrived: Record<string, string> };

/** Rows by name without `trusted`, which the trust specs read from `trusted` instead. */
function judge(input: Case) {
  const { arrived, ...rest } = input;
  const judgement = judgeAttributes({ signature: VALID, registry, ...rest, arrived: map(arrived) });
  return {
    status: judgement.status,
    rows: Object.fromEntries(judgement.rows.map(({ trusted: _trusted, ...row }) => [row.name, row])),
    trusted: Object.fromEntries(judgement.rows.map((row) => [row.name, row.trusted])),
  };
}

describe('judgeAttributes: row status', () => {
  it('match: arrived equal to the issued value', () => {
    const { rows } = judge({ arrived: issuedSet, issued: map(issuedSet) });
    expect(rows.userTier).toEqual({ name: 'userTier', status: 'match', arrived: 'Gold', issued: 'Gold', required: true });
  });

  it('match: arrived, no ledger, vouched for by a valid signature', () => {
    const { rows } = judge({ arrived: issuedSet });
    expect(rows.userTier).toEqual({ name: 'userTier', status: 'match', arrived: 'Gold', required: true });
  });

  it('mismatch: arrived different from the issued value', () => {
    const { rows } = judge({ arrived: { ...issuedSet, userTier: 'Platinum' }, issued: map(issuedSet), signature: { kind: 'invalid', problem: 'mismatch' } });
    expect(rows.userTier).toMatchObject({ status: 'mismatch', arrived: 'Platinum', issued: 'Gold' });
  });

  it('missing: issued, did not arrive', () => {
    const { rows } = judge({ arrived: { userId: 'usr_1001', userTier: 'Gold' }, issued: map(issuedSet), signature: { kind: 'invalid', problem: 'mismatch' } });
    expect(rows.email).toEqual({ name: 'email', status: 'missing', issued: '[redacted]', required: false });
  });

  it('missing: a registry attribute neither issued nor arrived', () => {
    const { rows } = judge({ arrived: issuedSet });
    expect(rows.lastOrderDate).toEqual({ name: 'lastOrderDate', status: 'missing', required: false });
  });

  it('unexpected: arrived, the ledger knows the set and it did not hold the name', () => {
    const { rows } = judge({ arrived: { ...issuedSet, lastOrderDate: '2026-01-01T00:00:00Z', vip: 'true' }, issued: map(issuedSet), signature: { kind: 'invalid', problem: 'mismatch' } });
    expect(rows.lastOrderDate).toMatchObject({ status: 'unexpected', arrived: '2026-01-01T00:00:00Z' });
    expect(rows.vip).toEqual({ name: 'vip', status: 'unexpected', arrived: 'true', required: false });
  });

  it('unexpected: a name outside the registry with nothing to vouch for it', () => {
    const { rows } = judge({ arrived: { ...issuedSet, vip: 'true' }, signature: { kind: 'invalid', problem: 'mismatch' } });
    expect(rows.vip).toMatchObject({ status: 'unexpected' });
  });

  it('present: a registry attribute arrived with nothing to compare it with', () => {
    const { rows } = judge({ arrived: { userId: 'usr_1001', userTier: 'Gold' }, signature: { kind: 'absent' } });
    expect(rows.userTier).toEqual({ name: 'userTier', status: 'present', arrived: 'Gold', required: true });
  });

  it('case_mismatch: arrived only under a wrongly-cased key, which gets no row of its own', () => {
    const { rows } = judge({ arrived: { userId: 'usr_1001', usertier: 'Gold' }, issued: map(issuedSet), signature: { kind: 'invalid', problem: 'mismatch' } });
    expect(rows.userTier).toEqual({ name: 'userTier', status: 'case_mismatch', arrivedAs: 'usertier', arrived: 'Gold', issued: 'Gold', required: true });
    expect(rows.usertier).toBeUndefined();
  });

  it('redacts personal data in every value it shows', () => {
    const { rows } = judge({ arrived: issuedSet, issued: map(issuedSet), expected: map({ email: 'jane@example.com' }) });
    expect(rows.email).toMatchObject({ arrived: '[redacted]', issued: '[redacted]', expected: '[redacted]' });
  });

  it('treats names of Object.prototype as ordinary names', () => {
    const arrived: Record<string, string> = { ...issuedSet, toString: 'x', constructor: 'y' };
    const { rows, status } = judge({ arrived, issued: map(issuedSet), signature: { kind: 'invalid', problem: 'mismatch' } });
    expect(status).toBe('tampered');
    expect(rows.toString).toMatchObject({ status: 'unexpected', arrived: 'x' });
    expect(rows.constructor).toMatchObject({ status: 'unexpected', arrived: 'y' });
  });
});

describe('judgeAttributes: partial expected', () => {
  it('compares only the listed names; the other signed attributes stay match', () => {
    const { status, rows } = judge({ arrived: issuedSet, expected: map({ userTier: 'Silver' }) });
    expect(status).toBe('not_as_expected');
    expect(rows.userTier).toEqual({ name: 'userTier', status: 'mismatch', arrived: 'Gold', expected: 'Silver', required: true });
    expect(rows.userId.status).toBe('match');
    expect(rows.email.status).toBe('match');
  });

  it('is verified when every listed name matches', () => {
    expect(judge({ arrived: issuedSet, expected: map({ userTier: 'Gold', userId: 'usr_1001' }) }).status).toBe('verified');
  });

  it('reports a listed name that never arrived as missing, and the set as not as expected', () => {
    const { status, rows } = judge({ arrived: issuedSet, expected: map({ vip: 'true' }) });
    expect(status).toBe('not_as_expected');
    expect(rows.vip).toEqual({ name: 'vip', status: 'missing', expected: 'true', required: false });
  });

  it('compares with the expected value rather than the issued one for a listed name', () => {
    const { rows } = judge({ arrived: issuedSet, issued: map(issuedSet), expected: map({ userTier: 'Silver' }) });
    expect(rows.userTier).toMatchObject({ status: 'mismatch', issued: 'Gold', expected: 'Silver' });
  });

  it('looks up expected names as own keys only', () => {
    const { status, rows } = judge({ arrived: issuedSet, expected: map({ toString: 'x' }) });
    expect(rows.toString).toMatchObject({ status: 'missing', expected: 'x' });
    expect(status).toBe('not_as_expected');
  });

  it('leaves an unsigned conversation unsigned, with the expected comparison in its rows', () => {
    const { status, rows } = judge({ arrived: { userId: 'usr_1001', userTier: 'Gold' }, signature: { kind: 'absent' }, expected: map({ userTier: 'Silver' }) });
    expect(status).toBe('unsigned');
    expect(rows.userTier).toMatchObject({ status: 'mismatch', expected: 'Silver' });
    expect(rows.userId).toMatchObject({ status: 'present' });
  });
});

describe('judgeAttributes: overall status', () => {
  it.each<[string, Case, string]>([
    ['unsigned: no signature attribute', { arrived: issuedSet, signature: { kind: 'absent' } }, 'unsigned'],
    ['tampered: MAC mismatch', { arrived: issuedSet, signature: { kind: 'invalid', problem: 'mismatch' } }, 'tampered'],
    ['tampered: malformed', { arrived: issuedSet, signature: { kind: 'invalid', problem: 'malformed' } }, 'tampered'],
    ['tampered: unknown key', { arrived: issuedSet, signature: { kind: 'invalid', problem: 'unknown_key' } }, 'tampered'],
    ['tampered: forged identity', { arrived: issuedSet, signature: { kind: 'invalid', problem: 'identity_mismatch' } }, 'tampered'],
    ['issued_after_start', { arrived: issuedSet, signature: { kind: 'valid', timing: 'not_yet_valid' } }, 'issued_after_start'],
    ['expired', { arrived: issuedSet, signature: { kind: 'valid', timing: 'expired' } }, 'expired'],
    ['expired wins over expected', { arrived: issuedSet, signature: { kind: 'valid', timing: 'expired' }, expected: map({ userTier: 'Silver' }) }, 'expired'],
    ['incomplete: a required attribute missing under a valid signature', { arrived: { userId: 'usr_1001' } }, 'incomplete'],
    ['not_as_expected wins over incomplete', { arrived: { userId: 'usr_1001' }, expected: map({ userId: 'usr_2' }) }, 'not_as_expected'],
    ['verified', { arrived: issuedSet, issued: map(issuedSet) }, 'verified'],
  ])('%s', (_label, input, status) => {
    expect(judge(input).status).toBe(status);
  });
});

describe('judgeArrival: only what Genesys answers can show', () => {
  it.each<[string, SignatureFinding, string | undefined]>([
    ['issued after the conversation started: after_start', { kind: 'valid', timing: 'not_yet_valid' }, 'after_start'],
    ['in force at the start: unknown (no published answer shows which message carried the set)', { kind: 'valid', timing: 'current' }, 'unknown'],
    ['expired before the start: unknown', { kind: 'valid', timing: 'expired' }, 'unknown'],
    ['unsigned: none, nothing is vouched to have arrived', { kind: 'absent' }, undefined],
    ['a failed signature: none', { kind: 'invalid', problem: 'mismatch' }, undefined],
  ])('%s', (_label, signature, arrival) => {
    expect(judgeArrival(signature)).toBe(arrival);
  });
});

describe('judgeAttributes: trusted, under the registry trust policy', () => {
  const withTrust = (trust: Record<string, 'signed' | 'report' | 'any'>) => registry.map((attribute) => ({ ...attribute, trust: trust[attribute.name] ?? attribute.trust }));
  const CURRENT: SignatureFinding = { kind: 'valid', timing: 'current' };

  it.each<[string, Case, Record<string, boolean>]>([
    ['signed attributes under a valid signature in force are trusted', { arrived: issuedSet, signature: CURRENT }, { userId: true, userTier: true, email: true, lastOrderDate: false }],
    ['unsigned, no signed attribute is', { arrived: issuedSet, signature: { kind: 'absent' } }, { userId: false, userTier: false, email: false }],
    ['a failed signature trusts no signed attribute', { arrived: issuedSet, signature: { kind: 'invalid', problem: 'mismatch' } }, { userId: false, userTier: false }],
    ['an expired signature neither', { arrived: issuedSet, signature: { kind: 'valid', timing: 'expired' } }, { userId: false, userTier: false }],
    ['a value that differs from the issued one is not trusted', { arrived: { ...issuedSet, userTier: 'Platinum' }, issued: map(issuedSet), signature: CURRENT }, { userId: true, userTier: false }],
    ['report and any attributes are trusted unsigned', { arrived: issuedSet, signature: { kind: 'absent' }, registry: withTrust({ userTier: 'report', email: 'any' }) }, { userId: false, userTier: true, email: true }],
    ['a wrongly-cased key is trusted under no policy', { arrived: { userId: 'usr_1001', usertier: 'Gold' }, signature: { kind: 'absent' }, registry: withTrust({ userTier: 'any' }) }, { userTier: false }],
    ['names outside the registry never are', { arrived: { ...issuedSet, vip: 'true' }, signature: CURRENT }, { vip: false }],
  ])('%s', (_label, input, expected) => {
    expect(judge(input).trusted).toMatchObject(expected);
  });
});
