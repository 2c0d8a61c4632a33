import type { VerificationReportDto } from './dto/verification-report.dto';

/**
 * Characters a terminal may act on instead of printing: C0 and C1 controls (ESC and CSI start
 * escape sequences), DEL, line and paragraph separators, and the bidirectional overrides that
 * reorder what is shown. Visitors write attribute values, so none of these reach a terminal raw.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same less C0, which JSON.stringify escapes itself (and whose newlines lay out the JSON). */
const UNPRINTABLE_IN_JSON = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeCharacter = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The text with every unprintable character shown as a \uXXXX escape. */
export const neutralise = (text: string): string => text.replace(UNPRINTABLE, escapeCharacter);

/**
 * A value as JSON for a terminal that parses to the same value: JSON.stringify already escapes C0
 * controls; the other unprintable characters can only stand inside strings, where \uXXXX means the same.
 */
export const jsonForTerminal = (value: unknown): string => `${JSON.stringify(value, null, 2).replace(UNPRINTABLE_IN_JSON, escapeCharacter)}\n`;

export const reportJson = (report: VerificationReportDto): string => jsonForTerminal(report);

/** The report as a table for a terminal. */
export function reportText(report: VerificationReportDto): string {
  const rows = report.attributes.map((row) =>
    [row.name, row.status + (row.arrivedAs ? ` (arrived as ${row.arrivedAs})` : ''), row.arrived ?? '', row.issued ?? '', row.expected ?? ''].map(neutralise),
  );
  const header = ['attribute', 'status', 'arrived', 'issued', 'expected'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  const signer = report.userId
    ? `user ${neutralise(report.userId)}, issued ${report.issuedAt}, expires ${report.expiresAt} (signature ${report.signatureVersion})`
    : 'no valid signature: nothing vouches for a user';
  return [
    `conversation ${report.conversationId}: ${report.status.toUpperCase()}${report.signatureProblem ? ` (signature: ${report.signatureProblem})` : ''}`,
    ...(report.status === 'no_customer' ? [] : [signer, `conversation started ${report.conversationStartedAt}`]),
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
  ].join('\n');
}
