import { join } from 'node:path';
import { ConfigurationError } from '../src/config/environment';
import { customDataBytes } from '../src/genesys/custom-attributes';
import { loadAttributeRegistry } from '../src/attribute-registry/attribute-registry.loader';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken, signTestToken, visitorToken } from './support/test-tokens';

const fixture = (name: string) => join(__dirname, 'fixtures', name);
const issuer = () => ({ Authorization: `Bearer ${serviceToken(['attributes:issue'])}` });

describe('widget config with the shipped registry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists the attribute definitions', async () => {
    const response = await t.http
      .get('/api/web-messaging/attributes')
      .set('Authorization', `Bearer ${visitorToken()}`)
      .expect(200);
    expect(response.body.attributes.map((definition: { name: string }) => definition.name)).toEqual([
      'userId',
      'userTier',
      'lastOrderDate',
      'email',
    ]);
    expect(response.body).toMatchObject({ signatureAttribute: 'attributesSignature', maxCustomDataBytes: 2048 });
    expect(response.body.attributes[1]).toEqual({
      name: 'userTier',
      description: expect.any(String),
      type: 'enum',
      values: ['Bronze', 'Silver', 'Gold'],
      source: 'tier',
      required: true,
      maxLength: 256,
      pii: 'none',
    });
  });

  it('gives a Gold visitor userTier Gold, the gold queue and the real Messenger fields, uncached', async () => {
    const response = await t.http
      .get('/api/web-messaging/config')
      .set(
        'Authorization',
        `Bearer ${visitorToken({ sub: 'usr_1001', tier: 'Gold', lastOrderDate: '2026-10-30T10:15:00+01:00' })}`,
      )
      .expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      widgetId: t.emulator.deploymentId,
      organizationId: t.emulator.organizationId,
      environment: 'prod',
      region: 'mypurecloud.com',
      guestAttributes: {
        userId: 'usr_1001',
        userTier: 'Gold',
        lastOrderDate: '2026-10-30T09:15:00.000Z',
        attributesSignature: expect.stringMatching(/^v2\.dev\.\d{10}\.\d{10}\.[\w-]{16}\.[\w-]{43}$/),
      },
      routing: { queueId: 'queue-support-gold', defaultQueueId: 'queue-support' },
      issuedAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(response.body.expiresAt) - Date.parse(response.body.issuedAt)).toBe(3600 * 1000);
  });

  it('sends a Silver visitor to the default queue', async () => {
    const response = await t.http
      .get('/api/web-messaging/config')
      .set('Authorization', `Bearer ${visitorToken({ tier: 'Silver' })}`)
      .expect(200);
    expect(response.body.routing.queueId).toBe('queue-support');
  });

  it('answers 422 naming the attribute when a required claim is missing', async () => {
    const response = await t.http
      .get('/api/web-messaging/config')
      .set('Authorization', `Bearer ${signTestToken({ sub: 'usr_1001' })}`)
      .expect(422);
    expect(response.body).toMatchObject({
      statusCode: 422,
      error: 'attributes_invalid',
      details: [
        {
          field: 'attributes.userTier',
          code: 'missing_required',
          message: 'userTier is required, but the token has no tier claim',
        },
      ],
    });
  });

  it('refuses a wrongly-cased name with the likely intended one', async () => {
    const response = await t.http
      .post('/api/web-messaging/config')
      .set(issuer())
      .send({ userId: 'usr_1001', attributes: { userTier: 'Gold', usertier: 'Gold' } })
      .expect(422);
    expect(response.body.details).toEqual([
      {
        field: 'attributes.usertier',
        code: 'unknown_attribute',
        message: 'Unknown attribute "usertier"; did you mean "userTier"? Names are case-sensitive.',
        suggestion: 'userTier',
      },
    ]);
  });

  it('refuses to sign a set whose identity attribute names someone other than the user it is issued for', async () => {
    const response = await t.http
      .post('/api/web-messaging/config')
      .set(issuer())
      .send({ userId: 'alice', attributes: { userId: 'bob', userTier: 'Gold' } })
      .expect(422);
    expect(response.body).toMatchObject({
      error: 'attributes_invalid',
      details: [
        {
          field: 'attributes.userId',
          code: 'identity_mismatch',
          message: 'userId must equal the user id the attributes are issued for',
        },
      ],
    });
  });

  it.each(['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'])(
    'judges an attribute named %s like any unknown name, on validation and on issuing',
    async (name) => {
      const attributes = { userId: 'usr_1001', userTier: 'Gold', [name]: 'x' };
      const report = await t.http
        .post('/api/web-messaging/attributes/validate')
        .set(issuer())
        .send({ attributes })
        .expect(200);
      expect(report.body.valid).toBe(false);
      expect(report.body.attributes).toContainEqual(
        expect.objectContaining({ name, ok: false, code: 'unknown_attribute' }),
      );
      const issued = await t.http
        .post('/api/web-messaging/config')
        .set(issuer())
        .send({ userId: 'usr_1001', attributes })
        .expect(422);
      expect(issued.body.details).toContainEqual(
        expect.objectContaining({ field: `attributes.${name}`, code: 'unknown_attribute' }),
      );
    },
  );

  it('refuses a body key named __proto__ with 400 forbidden_key, not as JSON it cannot read', async () => {
    const response = await t.http
      .post('/api/web-messaging/attributes/validate')
      .set(issuer())
      .set('Content-Type', 'application/json')
      .send('{"attributes":{"userId":"usr_1001","__proto__":"x"}}')
      .expect(400);
    expect(response.body).toMatchObject({ error: 'forbidden_key', details: [] });
    expect(response.body.message).toContain('__proto__');
  });

  it('names every problem of an issuing body at once, as the validation pipe did', async () => {
    const response = await t.http
      .post('/api/web-messaging/config')
      .set(issuer())
      .send({ userId: '', attributes: [], extra: 1 })
      .expect(400);
    expect(response.body.error).toBe('validation_failed');
    expect(response.body.details).toEqual([
      { field: 'extra', code: 'whitelistValidation', message: 'property extra should not exist' },
      { field: 'userId', code: 'isLength', message: 'userId must be 1 to 128 characters long' },
      { field: 'attributes', code: 'isObject', message: 'attributes must be an object' },
    ]);
  });

  it('refuses the signature attribute as input, on validation and on issuing: only the service writes it', async () => {
    const attributes = { userTier: 'Gold', attributesSignature: 'v2.k1.forged' };
    const report = await t.http
      .post('/api/web-messaging/attributes/validate')
      .set(issuer())
      .send({ attributes: { userId: 'usr_1001', ...attributes } })
      .expect(200);
    expect(report.body.attributes).toContainEqual({
      name: 'attributesSignature',
      ok: false,
      code: 'reserved_attribute',
      message: 'attributesSignature is reserved for the signature this service adds',
    });
    const issued = await t.http
      .post('/api/web-messaging/config')
      .set(issuer())
      .send({ userId: 'usr_1001', attributes })
      .expect(422);
    expect(issued.body.details).toContainEqual(
      expect.objectContaining({ field: 'attributes.attributesSignature', code: 'reserved_attribute' }),
    );
  });

  it('suggests the nearest name for a small typo, and none for a stranger', async () => {
    const response = await t.http
      .post('/api/web-messaging/attributes/validate')
      .set(issuer())
      .send({ attributes: { userTeir: 'Gold', favouriteColour: 'blue' } })
      .expect(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.attributes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'userTeir', code: 'unknown_attribute', suggestion: 'userTier' }),
        {
          name: 'favouriteColour',
          ok: false,
          code: 'unknown_attribute',
          message: 'Unknown attribute "favouriteColour". Names are case-sensitive.',
        },
        expect.objectContaining({ name: 'userTier', code: 'missing_required' }),
      ]),
    );
  });

  it('refuses a payment card number, with any separators, outside identifiers constrained by a pattern', async () => {
    const response = await t.http
      .post('/api/web-messaging/config')
      .set(issuer())
      .send({ userId: 'usr_1001', attributes: { userTier: 'Gold', email: '4111_1111_1111_1111@example.com' } })
      .expect(422);
    expect(response.body.details).toEqual([
      expect.objectContaining({ field: 'attributes.email', code: 'payment_card_number' }),
    ]);
    expect(JSON.stringify(response.body)).not.toContain('4111');
  });

  it('issues a numeric user id that happens to pass the card checksum: userId is an identifier with a pattern', async () => {
    const response = await t.http
      .post('/api/web-messaging/config')
      .set(issuer())
      .send({ userId: '4000000000000000006', attributes: { userTier: 'Gold' } })
      .expect(200);
    expect(response.body.guestAttributes.userId).toBe('4000000000000000006');
  });

  it('refuses secrets and personal data where the registry allows none', async () => {
    const report = await t.http
      .post('/api/web-messaging/attributes/validate')
      .set(issuer())
      .send({
        attributes: {
          userId: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
          userTier: 'Gold',
          email: 'not-an-email',
        },
      })
      .expect(200);
    const byName = Object.fromEntries(report.body.attributes.map((row: { name: string }) => [row.name, row]));
    expect(byName.userId.code).toBe('secret_value');
    expect(byName.email.code).toBe('wrong_type');
    expect(byName.userTier.ok).toBe(true);
  });

  it('refuses the backtracking email of the hostile-input report by its length, and keeps answering', async () => {
    const email = `a@${'.'.repeat(64000)}@`;
    const [validated, live] = await Promise.all([
      t.http.post('/api/web-messaging/attributes/validate').set(issuer()).send({ attributes: { email } }).expect(200),
      t.http.get('/health/live').expect(200),
    ]);
    expect(validated.body.attributes).toEqual([
      expect.objectContaining({ name: 'email', ok: false, code: 'too_long' }),
      expect.objectContaining({ name: 'userId', code: 'missing_required' }),
      expect.objectContaining({ name: 'userTier', code: 'missing_required' }),
    ]);
    expect(live.body.status).toBe('ok');
  });

  it('requires the attributes:issue scope to post', async () => {
    const response = await t.http
      .post('/api/web-messaging/config')
      .set('Authorization', `Bearer ${visitorToken()}`)
      .send({ userId: 'usr_1001', attributes: { userTier: 'Gold' } })
      .expect(403);
    expect(response.body.error).toBe('insufficient_scope');
  });

  it('validates the body shape', async () => {
    const response = await t.http
      .post('/api/web-messaging/config')
      .set(issuer())
      .send({ attributes: 'Gold' })
      .expect(400);
    expect(response.body.error).toBe('validation_failed');
    expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual(
      expect.arrayContaining(['userId', 'attributes']),
    );
  });
});

describe('widget config serialisation and the 2048-byte limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ATTRIBUTES_FILE: fixture('attributes-all-types.yaml') } });
  });
  afterAll(() => t.close());

  const issue = (attributes: Record<string, unknown>) =>
    t.http.post('/api/web-messaging/config').set(issuer()).send({ userId: 'usr_1001', attributes });

  it('serialises numbers in plain decimal, booleans as true/false and datetimes as UTC ISO 8601', async () => {
    const response = await issue({
      loyaltyPoints: 1e21,
      newsletter: false,
      lastOrderDate: '2026-10-30T23:30:00-02:00',
    }).expect(200);
    expect(response.body.guestAttributes).toMatchObject({
      userId: 'usr_1001',
      loyaltyPoints: '1000000000000000000000',
      newsletter: 'false',
      lastOrderDate: '2026-10-31T01:30:00.000Z',
    });
    const small = await issue({ loyaltyPoints: 0.000001 }).expect(200);
    expect(small.body.guestAttributes.loyaltyPoints).toBe('0.000001');
  });

  it('refuses personal data in free text the registry marks pii: none', async () => {
    const response = await issue({ note: 'jane.doe@example.com' }).expect(422);
    expect(response.body.details).toEqual([
      expect.objectContaining({ field: 'attributes.note', code: 'personal_data' }),
    ]);
    expect(JSON.stringify(response.body)).not.toContain('jane.doe');
  });

  it('refuses a lone surrogate with a 422 naming the attribute: its UTF-8 is that of U+FFFD, so it could not be signed unambiguously', async () => {
    const response = await issue({ note: 'a\uD800b' }).expect(422);
    expect(response.body.details).toEqual([
      expect.objectContaining({ field: 'attributes.note', code: 'malformed_text' }),
    ]);
    await issue({ note: 'a\uFFFDb \uD83D\uDE00' }).expect(200);
  });

  it('never issues nor signs an empty value (Genesys removes it): an optional one is left out and the set verifies, a required one is refused', async () => {
    const issued = await issue({ note: '', newsletter: true }).expect(200);
    expect(issued.body.guestAttributes).not.toHaveProperty('note');
    const conversationId = await t.emulator.sendFirstMessage(issued.body.guestAttributes);
    const report = await t.http
      .get(`/api/verification/conversations/${conversationId}`)
      .set({ Authorization: `Bearer ${serviceToken(['conversations:verify'])}` })
      .expect(200);
    expect(report.body.status).toBe('verified');

    const checked = await t.http
      .post('/api/web-messaging/attributes/validate')
      .set(issuer())
      .send({ attributes: { userId: '', note: '' } })
      .expect(200);
    expect(checked.body.attributes).toEqual([
      expect.objectContaining({ name: 'userId', ok: false, code: 'empty_value' }),
      expect.objectContaining({ name: 'note', ok: true }),
    ]);
  });

  it('refuses values of the wrong type', async () => {
    const response = await issue({ loyaltyPoints: 'lots', newsletter: 'yes', lastOrderDate: 'last Tuesday' }).expect(
      422,
    );
    expect(response.body.details.map((detail: { code: string }) => detail.code)).toEqual([
      'wrong_type',
      'wrong_type',
      'wrong_type',
    ]);
  });

  it('accepts exactly 2048 bytes, signature included, and refuses 2049, counting multi-byte characters as bytes', async () => {
    const base = await issue({ note: 'x' }).expect(200);
    const baseBytes = customDataBytes(base.body.guestAttributes);
    const room = 2048 - baseBytes + 1;
    // "é" is two bytes: fill with it, and an ASCII character when the room is odd.
    const note = 'é'.repeat(Math.floor(room / 2)) + (room % 2 === 1 ? 'x' : '');
    expect(Buffer.byteLength(note)).toBe(room);
    const exactly = await issue({ note }).expect(200);
    expect(customDataBytes(exactly.body.guestAttributes)).toBe(2048);
    const over = await issue({ note: `${note}y` }).expect(422);
    expect(over.body.error).toBe('attributes_too_large');
    expect(over.body.details[0].message).toContain('2049 bytes');
  });
});

describe('attribute registry file', () => {
  it('names every problem at once: a shape error does not hide names equal but for case, secret-looking names or rules on undefined attributes', () => {
    const file = fixture('attributes-case-duplicate.yaml');
    let error: ConfigurationError | undefined;
    try {
      loadAttributeRegistry(file, ['attributesSignature']);
    } catch (caught) {
      error = caught as ConfigurationError;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.problems).toEqual([
      `${file}: attributes[3] (tier).colour: property colour should not exist`,
      `${file}: attributes[1] (UserId): "UserId" and "userId" differ only in case`,
      `${file}: attributes[2] (cardNumber): name or source looks like a secret; secrets must never become custom attributes`,
      `${file}: routing.rules[0]: names undefined attribute "userTier"`,
    ]);
  });

  it('judges the rules across fields on what has the right type, and says nothing it cannot know', () => {
    const { writeFileSync, mkdtempSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const { tmpdir } = jest.requireActual<typeof import('node:os')>('node:os');
    const copy = join(mkdtempSync(join(tmpdir(), 'registry-')), 'attributes.yaml');
    writeFileSync(
      copy,
      [
        'attributes:',
        '  - { name: userId, description: d, type: text, source: 7, required: true }',
        '  - { name: tier, description: d, type: enum, source: tier, pii: none }',
        'routing: { defaultQueueId: q, rules: [{ attribute: tier, equals: Gold, queueId: g }] }',
        '',
      ].join('\n'),
    );
    let problems: readonly string[] = [];
    try {
      loadAttributeRegistry(copy, ['attributesSignature']);
    } catch (caught) {
      problems = (caught as ConfigurationError).problems;
    }
    expect(problems).toEqual([
      `${copy}: attributes[0] (userId).source: source must be a string`,
      `${copy}: attributes[0] (userId).pii: pii must be one of the following values: none, identifier, personal`,
      `${copy}: attributes[1] (tier): an enum needs values`,
    ]);
  });

  it.each([
    [
      'no attribute sourced from sub',
      (text: string) => text.replace('source: sub', 'source: request'),
      'exactly one attribute must have source sub',
    ],
    [
      'an optional identity attribute',
      (text: string) => text.replace('    required: true\n', ''),
      'the identity attribute (source sub) must be required',
    ],
  ])('refuses a registry with %s', (_label, edit, problem) => {
    const { readFileSync, writeFileSync, mkdtempSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const { tmpdir } = jest.requireActual<typeof import('node:os')>('node:os');
    const copy = join(mkdtempSync(join(tmpdir(), 'registry-')), 'attributes.yaml');
    writeFileSync(copy, edit(readFileSync(join(__dirname, '..', 'config', 'attributes.yaml'), 'utf8')));
    expect(() => loadAttributeRegistry(copy, ['attributesSignature'])).toThrow(problem);
  });

  it('stops the service from starting when it holds userId and UserId, naming the file and the definition', async () => {
    await expect(startTestApp({ env: { ATTRIBUTES_FILE: fixture('attributes-case-only.yaml') } })).rejects.toThrow(
      'attributes-case-only.yaml: attributes[1] (UserId): "UserId" and "userId" differ only in case',
    );
  });
});
