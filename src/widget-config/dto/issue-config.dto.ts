import { IsObject, IsString, Length } from 'class-validator';

/** An internal service asks for a visitor's configuration. */
export class IssueConfigDto {
  /**
   * The visitor's user id; signed into the attributes, and used for any attribute sourced from `sub`.
   * @example "usr_1001"
   */
  @IsString()
  @Length(1, 128)
  userId!: string;

  /**
   * Attribute names to raw values; validated against the registry.
   * @example { "userTier": "Gold", "lastOrderDate": "2026-10-30T09:15:00Z" }
   */
  @IsObject()
  attributes!: Record<string, unknown>;
}
