import { createSecretKey } from 'node:crypto';
import { loadAttributeRegistry } from '../../src/attribute-registry/attribute-registry.loader';
import { AttributeLedger } from '../../src/attribute-signature/attribute-ledger';
import type { AttributeSignatureConfig } from '../../src/attribute-signature/attribute-signature.config';
import { AttributeSigner } from '../../src/attribute-signature/attribute-signer';
import type { GenesysConversation } from '../../src/genesys/genesys-models';
import type { GenesysClient } from '../../src/genesys/genesys.client';
import type { GenesysConfig } from '../../src/genesys/genesys.config';
import { ServiceMetrics } from '../../src/metrics/service-metrics';
import { VerificationService } from '../../src/verification/verification.service';
import { inMemorySharedState } from './in-memory-shared-state';
import { ManualClock } from './manual-clock';
import { strictFake } from './strict-fake';

export const SIGNATURE = 'attributesSignature';
export const SIGNATURE_CONFIG: AttributeSignatureConfig = {
  keys: [{ kid: 'k1', secret: createSecretKey(Buffer.from('a-signing-secret-of-thirty-two-bytes!!')) }],
  signatureName: SIGNATURE,
  ledgerTtlSeconds: 86400,
  lifetimeSeconds: 3600,
};
export const REGISTRY = loadAttributeRegistry('config/attributes.yaml', [SIGNATURE]);

/** A web messaging conversation whose customer participant carries `attributes`. */
export function conversationWith(
  id: string,
  attributes: Record<string, string>,
  startTime: string,
): GenesysConversation {
  return {
    id,
    startTime,
    participants: [
      { id: 'p-agent', purpose: 'agent' },
      { id: 'p-customer', purpose: 'customer', attributes, messages: [{ id: 'm1', type: 'webmessaging' }] },
    ],
  };
}

/**
 * VerificationService with the real signer, ledger (in memory), registry and metrics, a manual
 * clock, and Genesys as a strict fake answering only what the spec gives it.
 */
export function verificationKit(genesys: Partial<GenesysClient> = {}, clock = new ManualClock()) {
  const signer = new AttributeSigner(SIGNATURE_CONFIG, { deploymentId: 'deployment-1' } as GenesysConfig);
  const ledger = new AttributeLedger(inMemorySharedState(), SIGNATURE_CONFIG);
  const metrics = new ServiceMetrics();
  const fakeGenesys = strictFake<GenesysClient>('GenesysClient', genesys);
  const service = new VerificationService(
    fakeGenesys,
    signer,
    ledger,
    REGISTRY,
    { trustPolicy: 'enforce' },
    metrics,
    clock,
  );
  /**
   * Issues `attributes` at the clock's time, as the config endpoint does: signed and remembered; the map Messenger
   * sends.
   */
  const issue = (attributes: Record<string, string> = { userId: 'usr_1001', userTier: 'Gold' }) => {
    const { token, claims } = signer.sign(attributes, attributes.userId, new Date(clock.now()));
    ledger.record(claims.nonce, {
      userId: attributes.userId,
      issuedAt: new Date(claims.issuedAt * 1000).toISOString(),
      attributes,
    });
    return { ...attributes, [SIGNATURE]: token };
  };
  /** The sample lines of a series, without its help and type. */
  const samples = async (name: string) =>
    (await metrics.registry.getSingleMetricAsString(name)).split('\n').filter((line) => !line.startsWith('#'));
  return { clock, service, issue, samples, metrics, genesys: fakeGenesys };
}
