import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/** A date-time with its offset (Z or +hh:mm): without one the period would depend on the server's time zone. Length is checked first. */
export const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
export const DATE_TIME_MESSAGE = (name: string) =>
  `${name} must be an ISO 8601 date-time with an offset, e.g. 2026-11-30T00:00:00Z`;

export class CreateAuditDto {
  /**
   * Start of the period: conversations that started at or after it are audited.
   * @example "2026-11-30T00:00:00Z"
   */
  @ApiProperty({ pattern: DATE_TIME_WITH_OFFSET.source })
  @IsString()
  @MaxLength(40)
  @Matches(DATE_TIME_WITH_OFFSET, { message: DATE_TIME_MESSAGE('since') })
  since!: string;

  /**
   * End of the period (excluded); now when left out. What lies past the analytics availability date is reported as not yet available.
   * @example "2026-12-01T00:00:00Z"
   */
  @ApiPropertyOptional({ pattern: DATE_TIME_WITH_OFFSET.source })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(DATE_TIME_WITH_OFFSET, { message: DATE_TIME_MESSAGE('until') })
  until?: string;

  /**
   * Only conversations routed to one of these queues (Genesys queue ids).
   * @example ["7b6f2c1e-5a4d-4e3f-9c2b-1a0d9e8f7c6b"]
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  @Matches(/^[\w-]+$/, { each: true, message: 'each queue id is letters, digits, "_" and "-"' })
  queueIds?: string[];

  /**
   * Only this visitor's conversations: those whose identity attribute arrived with this value (signed or not).
   * @example "usr_1001"
   */
  @IsOptional()
  @IsString()
  @Length(1, 256)
  userId?: string;
}
