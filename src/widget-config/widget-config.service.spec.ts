import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../test/support/manual-clock';
import { inMemorySharedState } from '../../test/support/in-memory-shared-state';
import { refusalOf } from '../../test/support/refusal';
import { REGISTRY, SIGNATURE, SIGNATURE_CONFIG } from '../../test/support/verification-kit';
import { loadAttributeRegistry } from '../attribute-registry/attribute-registry.loader';
import { AttributeLedger } from '../attribute-signature/attribute-ledger';
import { AttributeSigner } from '../attribute-signature/attribute-signer';
import type { GenesysConfig } from '../genesys/genesys.config';
import { findRegion } from '../genesys/genesys-regions';
import { ServiceMetrics } from '../metrics/service-metrics';
import { WidgetConfigService } from './widget-config.service';

const genesys = {
  deploymentId: 'deployment-1',
  organizationId: 'org-1',
  region: findRegion('mypurecloud.ie'),
} as GenesysConfig;
const visitor = (claims: Record<string, unknown>) => ({
  subject: String(claims.sub),
  scopes: new Set<string>(),
  claims,
});

function setUp(attributeRegistry = REGISTRY) {
  const clock = new ManualClock();
  const signer = new AttributeSigner(SIGNATURE_CONFIG, genesys);
  const ledger = new AttributeLedger(inMemorySharedState(), SIGNATURE_CONFIG);
  const metrics = new ServiceMetrics();
  const service = new WidgetConfigService(attributeRegistry, signer, ledger, metrics, genesys, clock);
  const issuedCount = async () => (await metrics.attributeSetsIssued.get()).values[0]?.value ?? 0;
  return { clock, signer, ledger, service, issuedCount };
}

/** The 422's code, and each detail's field, code and suggestion. */
const refusal = async (promise: Promise<unknown>) => {
  const refused = await refusalOf(promise);
  return (
    refused && {
      code: refused.code,
      details: refused.details.map(({ field, code, suggestion }) => ({
        field,
        code,
        ...(suggestion ? { suggestion } : {}),
      })),
    }
  );
};

describe('WidgetConfigService', () => {
  it("issues a visitor's attributes from the token's claims, signed at the injected clock's time and remembered in the ledger", async () => {
    const { clock, signer, ledger, service, issuedCount } = setUp();
    const config = await service.configForVisitor(
      visitor({ sub: 'usr_1001', tier: 'Gold', lastOrderDate: '2026-10-30T09:15:00Z' }),
    );
    const { [SIGNATURE]: token, ...attributes } = config.guestAttributes;
    expect(attributes).toEqual({ userId: 'usr_1001', userTier: 'Gold', lastOrderDate: '2026-10-30T09:15:00.000Z' });
    expect(config).toMatchObject({
      widgetId: 'deployment-1',
      issuedAt: new Date(clock.now()).toISOString(),
      expiresAt: new Date(clock.now() + 3600_000).toISOString(),
      routing: { queueId: 'queue-support-gold', defaultQueueId: 'queue-support' },
    });
    const check = signer.verify(attributes, token, 'usr_1001');
    expect(check.valid).toBe(true);
    expect(check.valid && (await ledger.find(check.claims.nonce))?.attributes).toEqual(attributes);
    expect(await issuedCount()).toBe(1);
  });

  it('names every attribute it refuses at once: unknown (with the name meant), wrongly typed, required and missing', async () => {
    const { service, issuedCount } = setUp();
    expect(
      await refusal(
        service.configForService({ userId: 'usr_1001', attributes: { usertier: 'Gold', lastOrderDate: 'yesterday' } }),
      ),
    ).toEqual({
      code: 'attributes_invalid',
      details: [
        { field: 'attributes.usertier', code: 'unknown_attribute', suggestion: 'userTier' },
        { field: 'attributes.lastOrderDate', code: expect.any(String) },
        { field: 'attributes.userTier', code: 'missing_required' },
      ],
    });
    expect(await issuedCount()).toBe(0);
  });

  it('refuses a set naming someone else than the user it is issued for, and the signature attribute as an input', async () => {
    const { service } = setUp();
    expect(
      await refusal(
        service.configForService({ userId: 'usr_1001', attributes: { userId: 'usr_2002', userTier: 'Gold' } }),
      ),
    ).toEqual({
      code: 'attributes_invalid',
      details: [{ field: 'attributes.userId', code: 'identity_mismatch' }],
    });
    expect(
      await refusal(
        service.configForService({ userId: 'usr_1001', attributes: { userTier: 'Gold', [SIGNATURE]: 'v2.forged' } }),
      ),
    ).toMatchObject({
      details: [{ field: `attributes.${SIGNATURE}`, code: 'reserved_attribute' }],
    });
  });

  it('leaves an empty optional value out of the set (Genesys removes it) and refuses an empty required one', async () => {
    const { service } = setUp();
    const config = await service.configForService({
      userId: 'usr_1001',
      attributes: { userTier: 'Gold', lastOrderDate: '' },
    });
    expect(Object.keys(config.guestAttributes).sort()).toEqual([SIGNATURE, 'userId', 'userTier']);
    expect(await refusal(service.configForService({ userId: 'usr_1001', attributes: { userTier: '' } }))).toMatchObject(
      {
        details: [{ field: 'attributes.userTier', code: 'empty_value' }],
      },
    );
  });

  it('refuses a set that with its signature exceeds the 2048 bytes Genesys accepts, though each value is within its limit', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'registry-'));
    const file = join(folder, 'attributes.yaml');
    const note = (name: string) =>
      `  - { name: ${name}, description: Free text., type: text, source: request, maxLength: 1024, pii: none }`;
    writeFileSync(
      file,
      [
        'attributes:',
        '  - { name: userId, description: Id., type: text, source: sub, required: true, pii: identifier }',
        note('noteA'),
        note('noteB'),
        'routing:',
        '  defaultQueueId: queue-support',
        '  rules: []',
        '',
      ].join('\n'),
    );
    const { service } = setUp(loadAttributeRegistry(file, [SIGNATURE]));
    expect(
      await refusal(
        service.configForService({
          userId: 'usr_1001',
          attributes: { noteA: 'a'.repeat(1000), noteB: 'b'.repeat(1000) },
        }),
      ),
    ).toEqual({
      code: 'attributes_too_large',
      details: [{ field: 'attributes', code: 'too_large' }],
    });
    expect(
      (
        await service.configForService({
          userId: 'usr_1001',
          attributes: { noteA: 'a'.repeat(1000), noteB: 'b'.repeat(800) },
        })
      ).guestAttributes.noteB,
    ).toHaveLength(800);
  });

  it('validates a candidate without issuing: nothing signed into the ledger, nothing counted', async () => {
    const { service, issuedCount } = setUp();
    const report = service.validate({ userId: 'usr_1001', userTier: 'Gold' });
    expect(report).toMatchObject({
      valid: true,
      limitBytes: 2048,
      attributes: [
        { name: 'userId', ok: true },
        { name: 'userTier', ok: true },
      ],
    });
    expect(report.totalBytes).toBeGreaterThan(0);
    expect(await issuedCount()).toBe(0);
  });
});
