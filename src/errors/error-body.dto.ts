/** One specific problem behind an error: a field, a constraint, a variable, an attribute. */
export class ErrorDetailDto {
  /**
   * What the problem is about: a body field (dotted path), a query parameter, an attribute name.
   * @example "attributes.userTier"
   */
  field?: string;

  /**
   * Stable machine code of this problem.
   * @example "isString"
   */
  code!: string;

  /**
   * Human-readable explanation.
   * @example "userTier must be a string"
   */
  message!: string;

  /**
   * The likely intended value, e.g. the registered attribute name for a misspelt or wrongly-cased one.
   * @example "userTier"
   */
  suggestion?: string;
}

/** The one error body every endpoint of this service answers with. */
export class ErrorBodyDto {
  /**
   * HTTP status code, repeated for clients that only see the body.
   * @example 400
   */
  statusCode!: number;

  /**
   * Stable machine code: validation_failed, unauthorized, not_found, upstream_rate_limited, ...
   * @example "validation_failed"
   */
  error!: string;

  /**
   * Human-readable summary. Never contains secrets, tokens or attribute values.
   * @example "The request is invalid."
   */
  message!: string;

  /** The individual problems, when there is more than one thing to say. */
  details!: ErrorDetailDto[];

  /**
   * The request id, also sent as the `X-Request-Id` response header and present in every log line of the request.
   * @example "0f8e3c5a-3a43-4c65-8a0f-1c2d3e4f5a6b"
   */
  requestId!: string;
}
