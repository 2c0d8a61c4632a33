import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, IsUUID } from 'class-validator';

export class ExpectedAttributesDto {
  /**
   * The attributes that should have arrived, compared with what did (besides the signature, when there is one).
   * @example { "userId": "usr_1001", "userTier": "Gold" }
   */
  @IsOptional()
  @IsObject()
  expected?: Record<string, string>;
}

export class SignatureCheckRequestDto {
  /**
   * The attributes as the conversation carries them, signature attribute included (what an Architect data action reads).
   * @example { "userId": "usr_1001", "userTier": "Gold", "attributesSignature": "v1.k1.eyJ1Ijoi...fQ.3q2-..." }
   */
  @IsObject()
  attributes!: Record<string, string>;
}

export class SignatureCheckDto {
  /** @example true */
  valid!: boolean;

  /**
   * valid, missing_signature, malformed, unknown_key or mismatch.
   * @example "valid"
   */
  reason!: string;

  /** @example "usr_1001" */
  userId?: string;
}

export class BatchVerificationRequestDto {
  /**
   * Up to 100 conversation ids.
   * @example ["0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f"]
   */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  conversationIds!: string[];
}
