/** One custom attribute the service can issue. */
export class AttributeDefinitionDto {
  /**
   * Exact, case-sensitive name, as it appears in Genesys participant data.
   * @example "userTier"
   */
  name!: string;

  /** @example "Subscription tier, used to route Gold customers to their own queue." */
  description!: string;

  /**
   * text, number, boolean, datetime (ISO 8601), email or enum.
   * @example "enum"
   */
  type!: string;

  /**
   * The allowed values of an enum.
   * @example ["Bronze", "Silver", "Gold"]
   */
  values?: string[];

  /**
   * Where the value comes from: a JWT claim path, or `request` when an internal service posts it.
   * @example "tier"
   */
  source!: string;

  /** @example true */
  required!: boolean;

  /**
   * Longest serialised value, in characters.
   * @example 256
   */
  maxLength!: number;

  /** Regular expression the serialised value must match. */
  pattern?: string;

  /**
   * none, identifier or personal.
   * @example "none"
   */
  pii!: string;
}

export class RoutingRuleDto {
  /** @example "userTier" */
  attribute!: string;

  /** @example "Gold" */
  equals!: string;

  /** @example "queue-support-gold" */
  queueId!: string;
}

export class RoutingTableDto {
  /** @example "queue-support" */
  defaultQueueId!: string;

  rules!: RoutingRuleDto[];
}

/** The attribute registry, as QA and frontends read it. */
export class AttributeRegistryDto {
  attributes!: AttributeDefinitionDto[];

  routing!: RoutingTableDto;

  /**
   * The reserved attribute holding the signature.
   * @example "attributesSignature"
   */
  signatureAttribute!: string;

  /**
   * Genesys's limit on the custom attribute map: keys plus values, UTF-8 bytes.
   * @example 2048
   */
  maxCustomDataBytes!: number;
}
