import { IsString, Matches, MaxLength } from 'class-validator';

export class VisitorSearchQueryDto {
  /**
   * Conversations that started at or after this date-time (with its offset); at most AUDIT_MAX_DAYS ago.
   * @example "2026-11-01T00:00:00Z"
   */
  @IsString()
  @MaxLength(40)
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, {
    message: 'since must be an ISO 8601 date-time with an offset, e.g. 2026-11-30T00:00:00Z',
  })
  since!: string;
}
