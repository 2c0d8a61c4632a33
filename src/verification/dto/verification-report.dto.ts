/** How one attribute arrived, compared with what was issued. */
export class AttributeVerdictDto {
  /**
   * The attribute name: the registered one, or the key that arrived when it is unexpected.
   * @example "userTier"
   */
  name!: string;

  /**
   * match (as issued, or vouched for by a valid signature), mismatch (differs from what was issued), missing,
   * unexpected (not in the registry and not issued), case_mismatch (arrived under a wrongly-cased key), present
   * (arrived, but nothing left to compare it with).
   * @example "mismatch"
   */
  status!: string;

  /**
   * For case_mismatch: the key that arrived, where the registered name was expected.
   * @example "usertier"
   */
  arrivedAs?: string;

  /**
   * The value that arrived; "[redacted]" for personal data.
   * @example "Platinum"
   */
  arrived?: string;

  /**
   * The value that was issued, when the ledger (or the request) still has it; "[redacted]" for personal data.
   * @example "Gold"
   */
  issued?: string;

  /** @example true */
  required!: boolean;
}

/** Whether a conversation's attributes are what this service issued. */
export class VerificationReportDto {
  /** @example "0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f" */
  conversationId!: string;

  /**
   * verified (signature valid, every required attribute present), tampered (signature does not match what arrived),
   * unsigned (no signature attribute), incomplete (required attributes missing), no_customer (no customer participant).
   * @example "verified"
   */
  status!: string;

  /**
   * Why the signature failed: malformed, unknown_key or mismatch.
   * @example "mismatch"
   */
  signatureProblem?: string;

  /** The customer participant whose attributes were checked. */
  participantId?: string;

  /**
   * The user id the signature vouches for.
   * @example "usr_1001"
   */
  userId?: string;

  /** When the attributes were issued, from the signature. */
  issuedAt?: string;

  attributes!: AttributeVerdictDto[];

  /** @example "2026-11-24T09:05:00.000Z" */
  checkedAt!: string;
}
