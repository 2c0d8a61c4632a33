/** Where log lines go: stdout in production; tests replace it to read the lines. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');
/** The pino logger for application lines, with redaction. */
export const APPLICATION_LOG = Symbol('APPLICATION_LOG');
/**
 * The pino logger for one line per request. It has no redaction: those lines carry only fixed,
 * safe fields (method, path without its query, status, request id, time), and redaction costs
 * a path walk on every line, so on every request.
 */
export const REQUEST_LOG = Symbol('REQUEST_LOG');
