export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'datetime', 'email', 'enum'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export const PII_CLASSES = ['none', 'identifier', 'personal'] as const;
export type PiiClass = (typeof PII_CLASSES)[number];

/**
 * Whether routing may rely on an attribute that arrived: `signed` only under a valid signature in
 * force (the default), `report` also unsigned but reported as such, `any` also unsigned.
 */
export const TRUST_LEVELS = ['signed', 'report', 'any'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

/**
 * Where a value comes from: `request` (an internal service posts it) or a JWT claim path such as `sub` or
 * `profile.tier`.
 */
export type AttributeSource = 'request' | { claimPath: string[] };

/** Architect bot flows cap a participant data value at 256 characters. */
export const DEFAULT_MAX_LENGTH = 256;

/** One custom attribute as the registry defines it. */
export interface AttributeDefinition {
  readonly name: string;
  readonly description: string;
  readonly type: AttributeType;
  readonly values?: readonly string[];
  readonly source: AttributeSource;
  readonly required: boolean;
  readonly maxLength: number;
  readonly pattern?: RegExp;
  readonly pii: PiiClass;
  readonly trust: TrustLevel;
}

export interface RoutingRule {
  readonly attribute: string;
  readonly equals: string;
  readonly queueId: string;
}

export interface RoutingTable {
  readonly defaultQueueId: string;
  readonly rules: readonly RoutingRule[];
}

/** The injection token of the loaded AttributeRegistry. */
export const ATTRIBUTE_REGISTRY = Symbol('ATTRIBUTE_REGISTRY');

export interface AttributeRegistry {
  readonly definitions: readonly AttributeDefinition[];
  /**
   * The attribute that names the visitor: the one sourced from the token's subject. Signatures bind its value as the
   * user id.
   */
  readonly identity: AttributeDefinition;
  readonly routing: RoutingTable;
  find(name: string): AttributeDefinition | undefined;
  /**
   * Whether a signature covers this name wherever it arrives: a registry attribute, or a name the
   * file retires (nothing issues it any more, but signatures issued while it was an attribute
   * cover it: a set issued before the change would otherwise fail its MAC and read tampered).
   */
  covers(name: string): boolean;
}
