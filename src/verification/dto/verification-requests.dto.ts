import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { AttributeMapProperty } from '../../request-body/attribute-map.property';
import { SIGNATURE_PROBLEMS } from './verification-report.dto';

export class ExpectedAttributesDto {
  /**
   * Values the conversation should carry (strings). Only the names listed are compared with these values (a listed
   * name that did not arrive is `missing`); every other attribute is judged as without `expected`.
   * @example { "userTier": "Gold" }
   */
  @AttributeMapProperty({ optional: true, values: 'strings' })
  expected?: Record<string, unknown>;
}

export class SignatureCheckRequestDto {
  /**
   * The attributes as the conversation carries them, signature attribute included (what an Architect data action
   * reads); every value a string.
   * @example { "userId": "usr_1001", "userTier": "Gold", "attributesSignature": "v2.k1.1795597200.1795600800.3q2-7w1A9bcD0eF1.Xx1nJ3cM0b5i1Zq9Wc4qN8rT2yU6oP0aS5dF7gH9jK2" }
   */
  @AttributeMapProperty({ values: 'strings' })
  attributes!: Record<string, unknown>;
}

const SIGNATURE_CHECK_REASONS = [
  'valid',
  'missing_signature',
  ...SIGNATURE_PROBLEMS,
  'expired',
  'not_yet_valid',
] as const;

export class SignatureCheckDto {
  /** Whether routing may rely on the attributes. */
  @ApiProperty({ example: true })
  valid!: boolean;

  /**
   * valid; missing_signature; malformed, unknown_key, mismatch or identity_mismatch (the signature does not hold);
   * expired or not_yet_valid (it holds, but is not in force now).
   */
  @ApiProperty({ enum: SIGNATURE_CHECK_REASONS, example: 'valid' })
  reason!: (typeof SIGNATURE_CHECK_REASONS)[number];

  /**
   * The user id the signature vouches for; only when valid.
   * @example "usr_1001"
   */
  userId?: string;

  /**
   * When the signature expires; only when valid.
   * @example "2026-11-24T10:00:00.000Z"
   */
  expiresAt?: string;

  /**
   * The queue the registry's routing rules pick from the attributes routing may rely on: under `enforce`, only the
   * trusted ones (a `signed` attribute counts only when the signature is valid); under `report`, every attribute that
   * arrived, as without a policy.
   * @example "queue-support-gold"
   */
  queueId!: string;

  /**
   * The trusted attributes, comma-separated (flat, for a data action's translation map).
   * @example "userId,userTier"
   */
  trustedAttributes!: string;

  /**
   * `enforce`, or `report` while a rollout only reports (TRUST_POLICY_MODE).
   * @example "enforce"
   */
  @ApiProperty({ enum: ['enforce', 'report'], example: 'enforce' })
  trustPolicy!: 'enforce' | 'report';

  /**
   * Under `report` only: the queue `enforce` would pick, to see what enforcing would change.
   * @example "queue-support"
   */
  enforcedQueueId?: string;
}

export class BatchVerificationRequestDto {
  /**
   * 1 to 100 conversation ids.
   * @example ["0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f"]
   */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 100 })
  conversationIds!: string[];
}
