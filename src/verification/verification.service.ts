import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AttributeLedger } from '../attribute-signature/attribute-ledger';
import { AttributeSigner, type SignatureCheck } from '../attribute-signature/attribute-signer';
import { ApiError } from '../errors/api-error';
import type { GenesysConversation, GenesysParticipant } from '../genesys/genesys-models';
import { GenesysClient } from '../genesys/genesys.client';
import type { AttributeRegistry } from '../widget-config/registry/attribute-definition';
import { ATTRIBUTE_REGISTRY } from '../widget-config/widget-config.service';
import type { BatchItemDto } from './dto/batch-verification.dto';
import type { SignatureCheckDto } from './dto/verification-requests.dto';
import type { AttributeVerdictDto, VerificationReportDto } from './dto/verification-report.dto';

const REDACTED = '[redacted]';

/** The web visitor: the customer participant, the web messaging one when there are several. */
function customerOf(conversation: GenesysConversation): GenesysParticipant | undefined {
  const customers = conversation.participants.filter((participant) => participant.purpose === 'customer');
  return customers.find((participant) => participant.messages?.some((media) => media.type === 'webmessaging')) ?? customers[0];
}

/**
 * Compares the attributes that reached a Genesys Cloud conversation with what this service
 * issued: the signature proves whether anything changed, the ledger (or expected values in the
 * request) says what.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly genesys: GenesysClient,
    private readonly signer: AttributeSigner,
    private readonly ledger: AttributeLedger,
    @Inject(ATTRIBUTE_REGISTRY) private readonly registry: AttributeRegistry,
  ) {}

  async verifyConversation(conversationId: string, expected?: Record<string, string>): Promise<VerificationReportDto> {
    const conversation = await this.genesys.getConversation(conversationId);
    if (!conversation) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'conversation_not_found', 'Genesys Cloud has no conversation with this id.');
    }
    const checkedAt = new Date().toISOString();
    const customer = customerOf(conversation);
    if (!customer) return { conversationId, status: 'no_customer', attributes: [], checkedAt };

    const arrived = { ...(customer.attributes ?? {}) };
    const token = arrived[this.signer.signatureName];
    delete arrived[this.signer.signatureName];
    const signature = token === undefined ? undefined : this.signer.verify(arrived, token);
    const issued = expected ?? (signature?.claims ? (await this.ledger.find(signature.claims.nonce))?.attributes : undefined);
    const attributes = this.compare(arrived, issued, signature?.valid === true);

    const missingRequired = attributes.some((row) => row.required && (row.status === 'missing' || row.status === 'case_mismatch'));
    const differsFromExpected = expected !== undefined && attributes.some((row) => !['match', 'present'].includes(row.status) && (row.issued !== undefined || row.status === 'unexpected'));
    const status =
      signature === undefined
        ? 'unsigned'
        : !signature.valid || differsFromExpected
          ? 'tampered'
          : missingRequired
            ? 'incomplete'
            : 'verified';
    return {
      conversationId,
      status,
      ...(signature && !signature.valid ? { signatureProblem: signature.reason } : {}),
      participantId: customer.id,
      ...(signature?.claims
        ? { userId: signature.claims.userId, issuedAt: new Date(signature.claims.issuedAt * 1000).toISOString() }
        : {}),
      attributes,
      checkedAt,
    };
  }

  async verifyBatch(conversationIds: readonly string[]): Promise<BatchItemDto[]> {
    // All at once: the Genesys client's rate limiter paces them under the per-token limit.
    return Promise.all(
      conversationIds.map(async (conversationId): Promise<BatchItemDto> => {
        try {
          return { conversationId, report: await this.verifyConversation(conversationId) };
        } catch (error) {
          if (!(error instanceof HttpException)) throw error;
          return {
            conversationId,
            error: { statusCode: error.getStatus(), error: error instanceof ApiError ? error.code : 'error', message: error.message },
          };
        }
      }),
    );
  }

  checkSignature(attributes: Record<string, string>): SignatureCheckDto {
    const { [this.signer.signatureName]: token, ...others } = attributes;
    if (token === undefined) return { valid: false, reason: 'missing_signature' };
    const check: SignatureCheck = this.signer.verify(others, token);
    return check.valid ? { valid: true, reason: 'valid', userId: check.claims.userId } : { valid: false, reason: check.reason };
  }

  private compare(arrived: Record<string, string>, issued: Record<string, string> | undefined, signatureValid: boolean): AttributeVerdictDto[] {
    const rows: AttributeVerdictDto[] = [];
    const accounted = new Set<string>();
    const show = (name: string, value: string | undefined) =>
      value === undefined ? undefined : this.registry.find(name)?.pii === 'personal' ? REDACTED : value;

    for (const definition of this.registry.definitions) {
      const name = definition.name;
      const issuedValue = issued?.[name];
      const base = { name, required: definition.required };
      if (name in arrived) {
        accounted.add(name);
        const arrivedValue = arrived[name];
        const status =
          issuedValue !== undefined ? (issuedValue === arrivedValue ? 'match' : 'mismatch') : issued !== undefined ? 'unexpected' : signatureValid ? 'match' : 'present';
        rows.push({ ...base, status, arrived: show(name, arrivedValue), ...(issuedValue !== undefined ? { issued: show(name, issuedValue) } : {}) });
        continue;
      }
      const wronglyCased = Object.keys(arrived).find((key) => key !== name && key.toLowerCase() === name.toLowerCase());
      if (wronglyCased) {
        accounted.add(wronglyCased);
        rows.push({ ...base, status: 'case_mismatch', arrivedAs: wronglyCased, arrived: show(name, arrived[wronglyCased]), ...(issuedValue !== undefined ? { issued: show(name, issuedValue) } : {}) });
        continue;
      }
      rows.push({ ...base, status: 'missing', ...(issuedValue !== undefined ? { issued: show(name, issuedValue) } : {}) });
    }
    for (const [key, value] of Object.entries(arrived)) {
      if (accounted.has(key)) continue;
      const issuedValue = issued?.[key];
      rows.push({
        name: key,
        required: false,
        status: issuedValue === undefined ? 'unexpected' : issuedValue === value ? 'match' : 'mismatch',
        arrived: value,
        ...(issuedValue !== undefined ? { issued: issuedValue } : {}),
      });
    }
    return rows;
  }
}
