import { IsString, Length } from 'class-validator';
import { AttributeMapProperty } from '../../request-body/attribute-map.property';

/** An internal service asks for a visitor's configuration. */
export class IssueConfigDto {
  /**
   * The visitor's user id; signed into the attributes, and used for any attribute sourced from `sub`.
   * @example "usr_1001"
   */
  // Checked from the last decorator up, stopping at the first failure: a number is "not a string", not "too short".
  @Length(1, 128, { message: '$property must be 1 to 128 characters long' })
  @IsString()
  userId!: string;

  /**
   * Attribute names to raw values (strings, numbers, booleans); validated against the registry.
   * @example { "userTier": "Gold", "lastOrderDate": "2026-10-30T09:15:00Z" }
   */
  @AttributeMapProperty({ values: 'raw' })
  attributes!: Record<string, unknown>;
}
