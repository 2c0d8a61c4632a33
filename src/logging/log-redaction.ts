/**
 * Log paths whose values are replaced before a line is written. Secrets and tokens must never
 * reach logs; attribute values are personal data and are redacted too (names stay visible).
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.jwt',
  '*.attributes.*',
  '*.guestAttributes.*',
  '*.customAttributes.*',
  '*.expected.*',
];

export const REDACTION_CENSOR = '[redacted]';
