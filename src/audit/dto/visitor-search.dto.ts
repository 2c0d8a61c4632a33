import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { DATE_TIME_MESSAGE, DATE_TIME_WITH_OFFSET } from './create-audit.dto';

export class VisitorSearchQueryDto {
  /**
   * Conversations that started at or after this date-time (with its offset); at most AUDIT_MAX_DAYS ago.
   * @example "2026-11-01T00:00:00Z"
   */
  @ApiProperty({ pattern: DATE_TIME_WITH_OFFSET.source })
  @IsString()
  @MaxLength(40)
  @Matches(DATE_TIME_WITH_OFFSET, { message: DATE_TIME_MESSAGE('since') })
  since!: string;
}
