import type { VerificationReportDto } from './verification-report.dto';

export class BatchItemErrorDto {
  /** @example 404 */
  statusCode!: number;

  /** @example "conversation_not_found" */
  error!: string;

  /** @example "Genesys Cloud has no conversation with this id." */
  message!: string;
}

export class BatchItemDto {
  /** @example "0c1d9b7e-3f2a-4e5b-8c6d-1a2b3c4d5e6f" */
  conversationId!: string;

  /** The report, when the conversation could be checked. */
  report?: VerificationReportDto;

  /** Why it could not be checked. */
  error?: BatchItemErrorDto;
}

export class BatchVerificationDto {
  /** One entry per id, in the order given. */
  results!: BatchItemDto[];
}
