import { AttributeMapProperty } from '../../request-body/attribute-map.property';

/** A candidate attribute map to check against the registry. */
export class ValidateAttributesDto {
  /**
   * Attribute names to raw values (strings, numbers, booleans).
   * @example { "userId": "usr_1001", "usertier": "Gold" }
   */
  @AttributeMapProperty({ values: 'raw' })
  attributes!: Record<string, unknown>;
}

/** The verdict on one attribute. */
export class AttributeCheckDto {
  /** @example "usertier" */
  name!: string;

  /** @example false */
  ok!: boolean;

  /**
   * Why it was refused: unknown_attribute, wrong_type, too_long, pattern_mismatch, personal_data, payment_card_number, secret_value, malformed_text (a lone surrogate), empty_value (a required attribute that is ""), missing_required. An optional attribute that is "" is ok and left out of the set: Genesys removes empty values.
   * @example "unknown_attribute"
   */
  code?: string;

  /** @example "Unknown attribute \"usertier\"; did you mean \"userTier\"?" */
  message?: string;

  /**
   * The registered name the caller most likely meant.
   * @example "userTier"
   */
  suggestion?: string;
}

export class AttributeValidationReportDto {
  /** @example false */
  valid!: boolean;

  /** One row per attribute given, and one per required attribute missing. */
  attributes!: AttributeCheckDto[];

  /**
   * Keys plus serialised values in UTF-8 bytes, the signature attribute included.
   * @example 187
   */
  totalBytes!: number;

  /** @example 2048 */
  limitBytes!: number;
}
