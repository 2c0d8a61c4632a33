import {
  judgeArrival,
  judgeAttributes,
  nothingOfOurs,
  readArrived,
  signedPart,
  type JudgementInput,
  type SignatureFinding,
} from './report-judgement';

const registry = [
  { name: 'userId', required: true, maxLength: 64, pii: 'identifier' as const, trust: 'signed' as const },
  { name: 'userTier', required: true, maxLength: 256, pii: 'none' as const, trust: 'signed' as const },
  { name: 'lastOrderDate', required: false, maxLength: 256, pii: 'none' as const, trust: 'signed' as const },
  { name: 'email', required: false, maxLength: 254, pii: 'personal' as const, trust: 'signed' as const },
  { name: 'note', required: false, maxLength: 1024, pii: 'none' as const, trust: 'signed' as const },
];
const VALID: SignatureFinding = { kind: 'valid', timing: 'current' };
const map = (values: Record<string, string>) => new Map(Object.entries(values));
const issuedSet = { userId: 'usr_1001', userTier: 'Gold', email: 'jane@example.com' };

type Case = Omit<Partial<JudgementInput>, 'arrived'> & { arrived: Record<string, string> };

/** Rows by name without `trusted`, which the trust specs read from `trusted` instead. */
function judge(input: Case) {
  const { arrived, ...rest } = input;
  const names = new Set((rest.registry ?? registry).map((attribute) => attribute.name));
  const judgement = judgeAttributes({
    signature: VALID,
    registry,
    covers: (name) => names.has(name),
    ...rest,
    arrived: map(arrived),
  });
  return {
    status: judgement.status,
    rows: Object.fromEntries(judgement.rows.map(({ trusted: _trusted, ...row }) => [row.name, row])),
    trusted: Object.fromEntries(judgement.rows.map((row) => [row.name, row.trusted])),
  };
}

describe('judgeAttributes: row status', () => {
  it('match: arrived equal to the issued value', () => {
    const { rows } = judge({ arrived: issuedSet, issued: map(issuedSet) });
    expect(rows.userTier).toEqual({
      name: 'userTier',
      status: 'match',
      arrived: 'Gold',
      issued: 'Gold',
      required: true,
    });
  });

  it('match: arrived, no ledger, vouched for by a valid signature', () => {
    const { rows } = judge({ arrived: issuedSet });
    expect(rows.userTier).toEqual({ name: 'userTier', status: 'match', arrived: 'Gold', required: true });
  });

  it('mismatch: arrived different from the issued value', () => {
    const { rows } = judge({
      arrived: { ...issuedSet, userTier: 'Platinum' },
      issued: map(issuedSet),
      signature: { kind: 'invalid', problem: 'mismatch' },
    });
    expect(rows.userTier).toMatchObject({ status: 'mismatch', arrived: 'Platinum', issued: 'Gold' });
  });

  it('missing: issued, did not arrive', () => {
    const { rows } = judge({
      arrived: { userId: 'usr_1001', userTier: 'Gold' },
      issued: map(issuedSet),
      signature: { kind: 'invalid', problem: 'mismatch' },
    });
    expect(rows.email).toEqual({ name: 'email', status: 'missing', issued: '[redacted]', required: false });
  });

  it('missing: a registry attribute neither issued nor arrived', () => {
    const { rows } = judge({ arrived: issuedSet });
    expect(rows.lastOrderDate).toEqual({ name: 'lastOrderDate', status: 'missing', required: false });
  });

  it('unexpected: arrived, the ledger knows the set and it did not hold the name', () => {
    const { rows } = judge({
      arrived: { ...issuedSet, lastOrderDate: '2026-01-01T00:00:00Z', vip: 'true' },
      issued: map(issuedSet),
      signature: { kind: 'invalid', problem: 'mismatch' },
    });
    expect(rows.lastOrderDate).toMatchObject({ status: 'unexpected', arrived: '2026-01-01T00:00:00Z' });
  });

  it('other: a name the signature does not cover, its value not shown, whatever the signature and the ledger say', () => {
    for (const signature of [VALID, { kind: 'absent' } as const, { kind: 'invalid', problem: 'mismatch' } as const]) {
      for (const issued of [undefined, map(issuedSet)]) {
        const { rows } = judge({ arrived: { ...issuedSet, 'Flow.Language': 'en-GB' }, signature, issued });
        expect(rows['Flow.Language']).toEqual({ name: 'Flow.Language', status: 'other', required: false });
      }
    }
  });

  it('match or mismatch for a name outside the registry only when the caller lists it in expected', () => {
    const { rows } = judge({ arrived: { ...issuedSet, intent: 'billing' }, expected: map({ intent: 'sales' }) });
    expect(rows.intent).toEqual({
      name: 'intent',
      status: 'mismatch',
      arrived: 'billing',
      expected: 'sales',
      required: false,
    });
  });

  it('present, match or unexpected for a retired name as for a registry attribute: the signature still covers it', () => {
    const covers = (name: string) => name === 'loyaltyId' || registry.some((attribute) => attribute.name === name);
    const arrived = { ...issuedSet, loyaltyId: 'L-7' };
    expect(judge({ arrived, covers }).rows.loyaltyId).toEqual({
      name: 'loyaltyId',
      status: 'match',
      arrived: 'L-7',
      required: false,
    });
    expect(judge({ arrived, covers, signature: { kind: 'absent' } }).rows.loyaltyId.status).toBe('present');
    expect(
      judge({ arrived, covers, issued: map(issuedSet), signature: { kind: 'invalid', problem: 'mismatch' } }).rows
        .loyaltyId.status,
    ).toBe('unexpected');
  });

  it('present: a registry attribute arrived with nothing to compare it with', () => {
    const { rows } = judge({ arrived: { userId: 'usr_1001', userTier: 'Gold' }, signature: { kind: 'absent' } });
    expect(rows.userTier).toEqual({ name: 'userTier', status: 'present', arrived: 'Gold', required: true });
  });

  it('case_mismatch: arrived only under a wrongly-cased key, which gets no row of its own', () => {
    const { rows } = judge({
      arrived: { userId: 'usr_1001', usertier: 'Gold' },
      issued: map(issuedSet),
      signature: { kind: 'invalid', problem: 'mismatch' },
    });
    expect(rows.userTier).toEqual({
      name: 'userTier',
      status: 'case_mismatch',
      arrivedAs: 'usertier',
      arrived: 'Gold',
      issued: 'Gold',
      required: true,
    });
    expect(rows.usertier).toBeUndefined();
  });

  it('redacts personal data in every value it shows', () => {
    const { rows } = judge({
      arrived: issuedSet,
      issued: map(issuedSet),
      expected: map({ email: 'jane@example.com' }),
    });
    expect(rows.email).toMatchObject({ arrived: '[redacted]', issued: '[redacted]', expected: '[redacted]' });
  });

  it('treats names of Object.prototype as ordinary names', () => {
    const arrived: Record<string, string> = { ...issuedSet, toString: 'x', constructor: 'y' };
    const { rows, status } = judge({
      arrived,
      issued: map(issuedSet),
      signature: { kind: 'invalid', problem: 'mismatch' },
    });
    expect(status).toBe('tampered');
    expect(rows.toString).toMatchObject({ status: 'other' });
    expect(rows.constructor).toMatchObject({ status: 'other' });
  });
});

describe('judgeAttributes: partial expected', () => {
  it('compares only the listed names; the other signed attributes stay match', () => {
    const { status, rows } = judge({ arrived: issuedSet, expected: map({ userTier: 'Silver' }) });
    expect(status).toBe('not_as_expected');
    expect(rows.userTier).toEqual({
      name: 'userTier',
      status: 'mismatch',
      arrived: 'Gold',
      expected: 'Silver',
      required: true,
    });
    expect(rows.userId.status).toBe('match');
    expect(rows.email.status).toBe('match');
  });

  it('is verified when every listed name matches', () => {
    expect(judge({ arrived: issuedSet, expected: map({ userTier: 'Gold', userId: 'usr_1001' }) }).status).toBe(
      'verified',
    );
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
    const { status, rows } = judge({
      arrived: { userId: 'usr_1001', userTier: 'Gold' },
      signature: { kind: 'absent' },
      expected: map({ userTier: 'Silver' }),
    });
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
    [
      'tampered: unknown key',
      { arrived: issuedSet, signature: { kind: 'invalid', problem: 'unknown_key' } },
      'tampered',
    ],
    [
      'tampered: forged identity',
      { arrived: issuedSet, signature: { kind: 'invalid', problem: 'identity_mismatch' } },
      'tampered',
    ],
    [
      'issued_after_start',
      { arrived: issuedSet, signature: { kind: 'valid', timing: 'not_yet_valid' } },
      'issued_after_start',
    ],
    ['expired', { arrived: issuedSet, signature: { kind: 'valid', timing: 'expired' } }, 'expired'],
    [
      'expired wins over expected',
      { arrived: issuedSet, signature: { kind: 'valid', timing: 'expired' }, expected: map({ userTier: 'Silver' }) },
      'expired',
    ],
    [
      'incomplete: a required attribute missing under a valid signature',
      { arrived: { userId: 'usr_1001' } },
      'incomplete',
    ],
    [
      'not_as_expected wins over incomplete',
      { arrived: { userId: 'usr_1001' }, expected: map({ userId: 'usr_2' }) },
      'not_as_expected',
    ],
    ['verified', { arrived: issuedSet, issued: map(issuedSet) }, 'verified'],
    [
      'verified beside names the signature does not cover',
      { arrived: { ...issuedSet, 'Flow.Language': 'en-GB', screenPopUrl: 'https://crm/1' } },
      'verified',
    ],
    [
      'tampered: a valid MAC the ledger contradicts (a value)',
      { arrived: { ...issuedSet, userTier: 'Silver' }, issued: map(issuedSet) },
      'tampered',
    ],
    [
      'tampered: a valid MAC the ledger contradicts (a name it did not issue)',
      { arrived: { ...issuedSet, lastOrderDate: '2026-01-01T00:00:00.000Z' }, issued: map(issuedSet) },
      'tampered',
    ],
    [
      'tampered: a valid MAC the ledger contradicts (a name it issued is gone)',
      { arrived: { userId: 'usr_1001', userTier: 'Gold' }, issued: map(issuedSet) },
      'tampered',
    ],
  ])('%s', (_label, input, status) => {
    expect(judge(input).status).toBe(status);
  });
});

describe('judgeArrival: only what Genesys answers can show', () => {
  it.each<[string, SignatureFinding, string | undefined]>([
    ['issued after the conversation started: after_start', { kind: 'valid', timing: 'not_yet_valid' }, 'after_start'],
    [
      'in force at the start: unknown (no published answer shows which message carried the set)',
      { kind: 'valid', timing: 'current' },
      'unknown',
    ],
    ['expired before the start: unknown', { kind: 'valid', timing: 'expired' }, 'unknown'],
    ['unsigned: none, nothing is vouched to have arrived', { kind: 'absent' }, undefined],
    ['a failed signature: none', { kind: 'invalid', problem: 'mismatch' }, undefined],
  ])('%s', (_label, signature, arrival) => {
    expect(judgeArrival(signature)).toBe(arrival);
  });
});

describe('judgeAttributes: trusted, under the registry trust policy', () => {
  const withTrust = (trust: Record<string, 'signed' | 'report' | 'any'>) =>
    registry.map((attribute) => ({ ...attribute, trust: trust[attribute.name] ?? attribute.trust }));
  const CURRENT: SignatureFinding = { kind: 'valid', timing: 'current' };

  it.each<[string, Case, Record<string, boolean>]>([
    [
      'signed attributes under a valid signature in force are trusted',
      { arrived: issuedSet, signature: CURRENT },
      { userId: true, userTier: true, email: true, lastOrderDate: false },
    ],
    [
      'unsigned, no signed attribute is',
      { arrived: issuedSet, signature: { kind: 'absent' } },
      { userId: false, userTier: false, email: false },
    ],
    [
      'a failed signature trusts no signed attribute',
      { arrived: issuedSet, signature: { kind: 'invalid', problem: 'mismatch' } },
      { userId: false, userTier: false },
    ],
    [
      'an expired signature neither',
      { arrived: issuedSet, signature: { kind: 'valid', timing: 'expired' } },
      { userId: false, userTier: false },
    ],
    [
      'a valid signature the ledger contradicts trusts nothing',
      { arrived: { ...issuedSet, userTier: 'Platinum' }, issued: map(issuedSet), signature: CURRENT },
      { userId: false, userTier: false },
    ],
    [
      'report and any attributes are trusted unsigned',
      { arrived: issuedSet, signature: { kind: 'absent' }, registry: withTrust({ userTier: 'report', email: 'any' }) },
      { userId: false, userTier: true, email: true },
    ],
    [
      'a wrongly-cased key is trusted under no policy',
      {
        arrived: { userId: 'usr_1001', usertier: 'Gold' },
        signature: { kind: 'absent' },
        registry: withTrust({ userTier: 'any' }),
      },
      { userTier: false },
    ],
    [
      'names outside the registry never are',
      { arrived: { ...issuedSet, vip: 'true' }, signature: CURRENT },
      { vip: false },
    ],
  ])('%s', (_label, input, expected) => {
    expect(judge(input).trusted).toMatchObject(expected);
  });
});

describe('judgeAttributes: a report never says verified while a row disagrees with the ledger', () => {
  it('a valid MAC whose set the ledger remembers otherwise is a mismatch, with every row compared', () => {
    // What a lone surrogate did: U+D800 and U+FFFD encode to the same UTF-8, so one MAC covered both.
    const judgement = judgeAttributes({
      arrived: map({ ...issuedSet, userTier: 'a\uD800b' }),
      issued: map({ ...issuedSet, userTier: 'a\uFFFDb' }),
      signature: VALID,
      registry,
      covers: (name) => registry.some((attribute) => attribute.name === name),
    });
    expect(judgement.status).toBe('tampered');
    expect(judgement.signature).toEqual({ kind: 'invalid', problem: 'mismatch' });
    expect(judgement.rows.find((row) => row.name === 'userTier')?.status).toBe('mismatch');
  });
});

describe('readArrived, signedPart and nothingOfOurs: what every verdict reads', () => {
  const covers = (name: string) => registry.some((attribute) => attribute.name === name);

  it('takes the signature out and drops empty values (Genesys removes an attribute set to "")', () => {
    const read = readArrived(
      { userId: 'usr_1', lastOrderDate: '', attributesSignature: 'v2.x', __proto__x: 'y' },
      'attributesSignature',
    );
    expect(read.token).toBe('v2.x');
    expect({ ...read.arrived }).toEqual({ userId: 'usr_1', __proto__x: 'y' });
    expect(readArrived({ attributesSignature: '' }, 'attributesSignature').token).toBeUndefined();
  });

  it('the MAC covers the registry names that arrived, nothing a flow wrote', () => {
    expect({
      ...signedPart({ userId: 'usr_1', userTier: 'Gold', 'Flow.Language': 'en', toString: 'x' }, covers),
    }).toEqual({ userId: 'usr_1', userTier: 'Gold' });
  });

  it('nothing of ours: no signature and no covered name, whatever else arrived', () => {
    expect(nothingOfOurs({ arrived: { 'Flow.Language': 'en' } }, covers)).toBe(true);
    expect(nothingOfOurs({ arrived: { userTier: 'Gold' } }, covers)).toBe(false);
    expect(nothingOfOurs({ token: 'v2.x', arrived: {} }, covers)).toBe(false);
  });
});

describe('judgeAttributes: whether a value analytics may have cut could change the status', () => {
  const long = 'n'.repeat(1024);
  const cutMatters = (input: Case) =>
    judgeAttributes({
      signature: VALID,
      registry,
      covers: (name) => registry.some((a) => a.name === name),
      ...input,
      arrived: map(input.arrived),
    }).cutMatters;
  const cut = (...names: string[]) => new Set(names);

  it('matters for a verified set whose cut value may be as issued: a visitor can append to what analytics cuts back', () => {
    expect(cutMatters({ arrived: { ...issuedSet, note: long }, cut: cut('note') })).toBe(true);
    expect(
      cutMatters({
        arrived: { ...issuedSet, note: long },
        cut: cut('note'),
        signature: { kind: 'invalid', problem: 'mismatch' },
      }),
    ).toBe(true);
    expect(
      cutMatters({
        arrived: { ...issuedSet, note: long },
        cut: cut('note'),
        issued: map({ ...issuedSet, note: long }),
      }),
    ).toBe(true);
  });

  it('does not matter where no whole value could change it', () => {
    // Unsigned, or a signature that is not ours, whatever the values.
    expect(cutMatters({ arrived: { ...issuedSet, note: long }, cut: cut('note'), signature: { kind: 'absent' } })).toBe(
      false,
    );
    expect(
      cutMatters({
        arrived: { ...issuedSet, note: long },
        cut: cut('note'),
        signature: { kind: 'invalid', problem: 'malformed' },
      }),
    ).toBe(false);
    expect(
      cutMatters({
        arrived: { ...issuedSet, note: long },
        cut: cut('note'),
        signature: { kind: 'invalid', problem: 'unknown_key' },
      }),
    ).toBe(false);
    // Longer than anything issued under that name, or other than what the ledger remembers: tampered either way.
    expect(
      cutMatters({
        arrived: { ...issuedSet, userTier: long },
        cut: cut('userTier'),
        signature: { kind: 'invalid', problem: 'mismatch' },
      }),
    ).toBe(false);
    expect(
      cutMatters({
        arrived: { ...issuedSet, note: long },
        cut: cut('note'),
        issued: map({ ...issuedSet, note: 'short' }),
      }),
    ).toBe(false);
    expect(cutMatters({ arrived: { ...issuedSet, note: long, userTier: long }, cut: cut('note', 'userTier') })).toBe(
      false,
    );
    // Someone else's data, outside the signature.
    expect(cutMatters({ arrived: { ...issuedSet, 'Flow.Transcript': long }, cut: cut('Flow.Transcript') })).toBe(false);
    expect(cutMatters({ arrived: issuedSet })).toBe(false);
  });
});
