import type { BatchVerificationDto } from './dto/batch-verification.dto';
import type { AttributeVerdictDto, VerificationReportDto } from './dto/verification-report.dto';
import type { SignatureCheckDto } from './dto/verification-requests.dto';

/** Swagger examples: one coherent report per status, as the service would write it. */

const conversationId = '0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f';
const common = {
  conversationId,
  participantId: '5e0b6a3c-2f1d-4c8e-9a7b-6d5c4b3a2f10',
  conversationStartedAt: '2026-11-24T09:04:12.000Z',
  checkedAt: '2026-11-24T09:05:00.000Z',
};
const signed = {
  userId: 'usr_1001',
  issuedAt: '2026-11-24T09:00:00.000Z',
  expiresAt: '2026-11-24T10:00:00.000Z',
  signatureVersion: 'v2' as const,
  arrival: 'unknown' as const,
};
/**
 * A row; trusted, in these examples, exactly when it matches under a valid signature (every registry attribute is
 * `signed`).
 */
const row = (
  name: string,
  status: AttributeVerdictDto['status'],
  required: boolean,
  values: Partial<AttributeVerdictDto> = {},
  trusted = status === 'match',
): AttributeVerdictDto => ({
  name,
  status,
  ...values,
  required,
  trusted,
});
const intactRows = [
  row('userId', 'match', true, { arrived: 'usr_1001', issued: 'usr_1001' }),
  row('userTier', 'match', true, { arrived: 'Gold', issued: 'Gold' }),
  row('lastOrderDate', 'missing', false),
  row('email', 'match', false, { arrived: '[redacted]', issued: '[redacted]' }),
];

const report = (summary: string, value: VerificationReportDto) => ({ summary, value });

export const REPORT_EXAMPLES = {
  verified: report('Arrived as issued', { ...common, status: 'verified', ...signed, attributes: intactRows }),
  tampered: report('Edited and added after issue', {
    ...common,
    status: 'tampered',
    signatureProblem: 'mismatch',
    attributes: [
      row('userId', 'match', true, { arrived: 'usr_1001', issued: 'usr_1001' }, false),
      row('userTier', 'mismatch', true, { arrived: 'Gold', issued: 'Silver' }),
      row('lastOrderDate', 'missing', false),
      row('email', 'missing', false),
      row('vip', 'unexpected', false, { arrived: 'true' }),
    ],
  }),
  unsigned: report('No signature attribute', {
    ...common,
    status: 'unsigned',
    attributes: [
      row('userId', 'present', true, { arrived: 'usr_1001' }),
      row('userTier', 'present', true, { arrived: 'Gold' }),
      row('lastOrderDate', 'missing', false),
      row('email', 'missing', false),
    ],
  }),
  expired: report('Signed, but expired before the conversation started', {
    ...common,
    status: 'expired',
    ...signed,
    issuedAt: '2026-10-24T09:00:00.000Z',
    expiresAt: '2026-10-24T10:00:00.000Z',
    // The ledger has forgotten the set; the signature still vouches for every attribute.
    attributes: [
      row('userId', 'match', true, { arrived: 'usr_1001' }),
      row('userTier', 'match', true, { arrived: 'Gold' }),
      row('lastOrderDate', 'missing', false),
      row('email', 'match', false, { arrived: '[redacted]' }),
    ],
  }),
  issued_after_start: report('Signed after the conversation had started', {
    ...common,
    status: 'issued_after_start',
    ...signed,
    issuedAt: '2026-11-24T09:30:00.000Z',
    expiresAt: '2026-11-24T10:30:00.000Z',
    arrival: 'after_start',
    attributes: intactRows,
  }),
  not_as_expected: report('Intact, but not the expected tier', {
    ...common,
    status: 'not_as_expected',
    ...signed,
    attributes: [
      row('userId', 'match', true, { arrived: 'usr_1001', issued: 'usr_1001' }),
      row('userTier', 'mismatch', true, { arrived: 'Gold', issued: 'Gold', expected: 'Silver' }),
      row('lastOrderDate', 'missing', false),
      row('email', 'match', false, { arrived: '[redacted]', issued: '[redacted]' }),
    ],
  }),
  incomplete: report('Signed, but a required attribute is missing', {
    ...common,
    status: 'incomplete',
    ...signed,
    attributes: [
      row('userId', 'match', true, { arrived: 'usr_1001' }),
      row('userTier', 'missing', true),
      row('lastOrderDate', 'missing', false),
      row('email', 'missing', false),
    ],
  }),
  no_customer: report('No customer participant', {
    conversationId,
    status: 'no_customer',
    attributes: [],
    checkedAt: common.checkedAt,
  }),
};

export const BATCH_EXAMPLE: BatchVerificationDto = {
  results: [
    { conversationId, report: REPORT_EXAMPLES.verified.value },
    {
      conversationId: '11111111-2222-4333-8444-555555555555',
      error: {
        statusCode: 404,
        error: 'conversation_not_found',
        message: 'Genesys Cloud has no conversation with this id.',
      },
    },
  ],
};

const enforced = { trustPolicy: 'enforce' as const };
export const SIGNATURE_CHECK_EXAMPLES: Record<string, { summary: string; value: SignatureCheckDto }> = {
  valid: {
    summary: 'Holds and is in force',
    value: {
      valid: true,
      reason: 'valid',
      userId: 'usr_1001',
      expiresAt: '2026-11-24T10:00:00.000Z',
      queueId: 'queue-support-gold',
      trustedAttributes: 'userId,userTier',
      ...enforced,
    },
  },
  mismatch: {
    summary: 'An attribute was changed',
    value: { valid: false, reason: 'mismatch', queueId: 'queue-support', trustedAttributes: '', ...enforced },
  },
  expired: {
    summary: 'Holds, but expired',
    value: { valid: false, reason: 'expired', queueId: 'queue-support', trustedAttributes: '', ...enforced },
  },
  missing_signature: {
    summary: 'No signature attribute',
    value: { valid: false, reason: 'missing_signature', queueId: 'queue-support', trustedAttributes: '', ...enforced },
  },
  report_only: {
    summary: 'Unsigned, while TRUST_POLICY_MODE=report',
    value: {
      valid: false,
      reason: 'missing_signature',
      queueId: 'queue-support-gold',
      trustedAttributes: '',
      trustPolicy: 'report',
      enforcedQueueId: 'queue-support',
    },
  },
};
