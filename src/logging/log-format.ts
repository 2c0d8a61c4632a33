import type { DestinationStream } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';

/** Fields the pretty line already shows (or that say nothing to someone at a terminal). */
const SHOWN_IN_LINE = ['pid', 'hostname', 'service', 'context', 'requestId', 'req', 'res', 'responseTime', 'aborted'];

interface RequestLine {
  req?: { method?: unknown; path?: unknown };
  res?: { statusCode?: unknown };
  responseTime?: unknown;
  aborted?: unknown;
}

/**
 * The text after level and time: `[Context] message`, and for a request's line
 * `GET /path 304 1 ms`, so that a favicon request is one short line, not a JSON object.
 */
export function prettyMessage(log: Record<string, unknown>): string {
  const { req, res, responseTime, aborted } = log as RequestLine;
  if (req !== undefined) {
    const outcome = aborted === true ? 'aborted by the client' : String(res?.statusCode ?? '');
    return `${String(req.method)} ${String(req.path)} ${outcome} ${String(responseTime)} ms`;
  }
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  return `${context}${String(log.msg ?? '')}`;
}

/**
 * A destination that writes each of pino's JSON lines as a pretty one, formatted in this process
 * (no worker thread) onto the same asynchronous destination, which is still the one flushed at
 * shutdown; coloured where the terminal shows colours.
 */
export function prettyDestination(destination: DestinationStream, colorize = isColorSupported): DestinationStream {
  const prettify = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: SHOWN_IN_LINE.join(','),
    messageFormat: (log) => prettyMessage(log),
    singleLine: true,
  });
  return { write: (line: string) => destination.write(prettify(line)) };
}
