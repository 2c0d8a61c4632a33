import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SignatureProblem } from '../../attribute-signature/attribute-signer';
import type { SignatureVersion } from '../../attribute-signature/signature-format';
import {
  ARRIVALS,
  REPORT_STATUSES,
  ROW_STATUSES,
  type Arrival,
  type ReportStatus,
  type RowStatus,
} from '../report-judgement';

export const SIGNATURE_PROBLEMS: readonly SignatureProblem[] = [
  'malformed',
  'unknown_key',
  'mismatch',
  'identity_mismatch',
];

/** How one attribute arrived, compared with what was issued or expected. */
export class AttributeVerdictDto {
  /**
   * The attribute name: the registered one, or the key that arrived, was expected or was issued.
   * @example "userTier"
   */
  name!: string;

  /**
   * match (equal to the expected or issued value, or vouched for by a valid signature), mismatch (differs from it),
   * missing (did not arrive), unexpected (a registry attribute that arrived but was not issued), case_mismatch (arrived
   * under a wrongly-cased key), present (a registry attribute arrived, with nothing left to compare it with), other (a
   * name outside the registry, written by someone else: an Architect flow, a script, an integration; not covered by
   * the signature, never trusted, never a reason for the status, its value not shown).
   */
  @ApiProperty({ enum: ROW_STATUSES, example: 'match' })
  status!: RowStatus;

  /**
   * For case_mismatch: the key that arrived, where the registered name was expected.
   * @example "usertier"
   */
  arrivedAs?: string;

  /**
   * The value that arrived; "[redacted]" for personal data, absent for `other` (not ours to show).
   * @example "Gold"
   */
  arrived?: string;

  /**
   * The value that was issued, while the ledger remembers the set; "[redacted]" for personal data.
   * @example "Gold"
   */
  issued?: string;

  /**
   * The value given in the request's `expected`, for the names it lists; "[redacted]" for personal data.
   * @example "Gold"
   */
  expected?: string;

  /** @example true */
  required!: boolean;

  /**
   * Whether routing may rely on this attribute under the registry's trust policy: a `signed` one only when it arrived
   * under a valid signature in force with the value signed, a `report` or `any` one whenever it arrived as named.
   * @example true
   */
  trusted!: boolean;
}

/** Whether a conversation's attributes are what this service issued. See docs/verification.md's report table. */
export class VerificationReportDto {
  /**
   * @example "0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f"
   */
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  /**
   * verified (valid signature, in force when the conversation started, every required attribute present and every
   * expected value equal), tampered (the signature does not hold for what arrived), unsigned (no signature attribute),
   * expired (valid, but expired before the conversation started), issued_after_start (valid, but issued after the
   * conversation started), not_as_expected (a value listed in `expected` differs or is missing), incomplete (a required
   * attribute is missing), no_customer (the conversation has no customer participant). Whether the set came with the
   * visitor's first message is not a status: see `arrival`.
   */
  @ApiProperty({ enum: REPORT_STATUSES, example: 'verified' })
  status!: ReportStatus;

  /**
   * What to do about the status, where the report can tell: for an unsigned web messaging conversation that carries
   * none of the registry's attributes (whatever a flow wrote beside them).
   * @example "No custom attribute reached this conversation. Messenger sends them with the next message after Database.set; clients that put them in the top-level channel.metadata (ignored since 2026-06-05) deliver none: use message.channel.metadata.customAttributes."
   */
  hint?: string;

  /** Why the signature failed, when the status is tampered. */
  @ApiPropertyOptional({ enum: SIGNATURE_PROBLEMS, example: 'mismatch' })
  signatureProblem?: SignatureProblem;

  /**
   * The customer participant whose attributes were checked.
   * @example "5e0b6a3c-2f1d-4c8e-9a7b-6d5c4b3a2f10"
   */
  participantId?: string;

  /**
   * When the conversation started, according to Genesys Cloud; the signature's lifetime is judged against it.
   * @example "2026-11-24T09:04:12.000Z"
   */
  conversationStartedAt?: string;

  /**
   * The user id the signature vouches for (the identity attribute); only when the signature is valid.
   * @example "usr_1001"
   */
  userId?: string;

  /**
   * When the attributes were issued; only when the signature is valid.
   * @example "2026-11-24T09:00:00.000Z"
   */
  issuedAt?: string;

  /**
   * When the signature stopped being valid for new conversations; only when the signature is valid.
   * @example "2026-11-24T10:00:00.000Z"
   */
  expiresAt?: string;

  /** The signature format; v1 is still verified in the 0.2 release line and refused from 0.3. */
  @ApiPropertyOptional({ enum: ['v1', 'v2'], example: 'v2' })
  signatureVersion?: SignatureVersion;

  /**
   * When the signed set reached the conversation, as far as Genesys Cloud's answers show; only when the signature is
   * valid. after_start: issued after the conversation started, so it was not there when the conversation began.
   * unknown: issued before; Genesys publishes no answer that shows which message carried custom attributes, so
   * whether the set came with the visitor's first message (and the inbound flow saw it) cannot be told.
   */
  @ApiPropertyOptional({ enum: ARRIVALS, example: 'unknown' })
  arrival?: Arrival;

  attributes!: AttributeVerdictDto[];

  /** @example "2026-11-24T09:05:00.000Z" */
  checkedAt!: string;
}
