/**
 * The Guest API's refusal codes, as Genesys's own Messenger client knows them
 * (MyPureCloud/genesys-messenger-transport-mobile-sdk, `core/ErrorCode.kt`): a refusal is the frame
 * `{ type: "response", class: "string", code, body: "<message>" }`, except a rate refusal, which is
 * `{ type: "response", class: "TooManyRequestsErrorMessage", code: 429, body: { retryAfter, errorCode: 4029, errorMessage } }`.
 */
export const GUEST_API_CODES = {
  /** A frame the platform cannot read (the SDK's "Request failed."). */
  badRequest: 400,
  /** Refused for this deployment (the SDK's corrective action: check the deploymentId and configuration). */
  forbidden: 403,
  sessionExpired: 4006,
  sessionNotFound: 4007,
  messageTooLong: 4011,
  customAttributesTooLarge: 4013,
  missingParameter: 4020,
  requestRateTooHigh: 4029,
  unexpected: 5000,
} as const;

export type GuestApiCode = (typeof GUEST_API_CODES)[keyof typeof GUEST_API_CODES];

/** Why the platform refused a guest's request: the code Genesys's client reads, and the text it shows. */
export interface GuestRefusal {
  code: GuestApiCode;
  problem: string;
}
