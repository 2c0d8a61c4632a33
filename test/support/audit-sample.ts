import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestEmulator } from 'genesys-emulator';
import { AttributeLedger } from '../../src/attribute-signature/attribute-ledger';
import { AttributeSigner } from '../../src/attribute-signature/attribute-signer';
import { sampleAttributeSets } from '../../src/development-launcher';

export type Mix = Partial<Record<'intact' | 'tampered' | 'unsigned' | 'late' | 'legacy', number>>;

/**
 * Conversations of the given mix spread over [start, end) in the emulator, carrying the
 * development visitor's attributes as this app signs them (and its ledger remembers them).
 * Answers the attribute names in the order the sets hold them: `tampered` edits the first.
 */
export async function generateAuditSample(
  app: NestFastifyApplication,
  emulator: TestEmulator,
  span: { start: number; end: number },
  mix: Mix,
  options: {
    queueId?: string;
    /** Signed into every set beside the development visitor's attributes. */
    extra?: Record<string, string>;
    /** What the page did to each signed set before it reached Genesys (the signature attribute included). */
    edit?: (attributes: Record<string, string>) => Record<string, string>;
  } = {},
): Promise<{ names: string[] }> {
  const signer = app.get(AttributeSigner);
  let sets = await sampleAttributeSets(app, span.start, span.end);
  if (options.extra) {
    sets = sets.map((set) => {
      const attributes = Object.fromEntries(
        Object.entries(set.attributes).filter(([name]) => name !== signer.signatureName),
      );
      Object.assign(attributes, options.extra);
      const { token } = signer.sign(attributes, attributes.userId, new Date(set.issuedAt));
      return { ...set, attributes: { ...attributes, [signer.signatureName]: token } };
    });
  }
  const first = sets[0].attributes;
  const unsigned = Object.fromEntries(Object.entries(first).filter(([name]) => name !== signer.signatureName));
  const check = signer.verify(unsigned, first[signer.signatureName], unsigned.userId);
  if (check.valid)
    app.get(AttributeLedger).record(check.claims.nonce, {
      userId: check.claims.userId,
      issuedAt: new Date(check.claims.issuedAt * 1000).toISOString(),
      attributes: unsigned,
    });
  const edit = options.edit;
  emulator.control.generateConversations({
    start: span.start,
    end: span.end,
    mix,
    attributeSets: edit ? sets.map((set) => ({ ...set, attributes: edit({ ...set.attributes }) })) : sets,
    signatureAttribute: signer.signatureName,
    ...(options.queueId ? { queueId: options.queueId } : {}),
  });
  return { names: Object.keys(unsigned) };
}
