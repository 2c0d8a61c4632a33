/**
 * The one sanitiser for text a person reads: the CLIs' tables, JSON and CSV, and the audit results
 * the service streams (NDJSON, CSV), which end up in terminals and spreadsheets. Visitors write
 * attribute names and values, so none of them may reach a terminal as something it acts on, or a
 * spreadsheet as something it runs.
 */

/**
 * Characters a terminal may act on instead of printing: C0 and C1 controls (ESC and CSI start
 * escape sequences, BEL, CR rewrites the line), DEL, line and paragraph separators, and the
 * bidirectional marks and overrides that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same less C0, which JSON.stringify escapes itself (and whose newlines lay out pretty JSON). */
const UNPRINTABLE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeCharacter = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The text with every unprintable character shown as a \uXXXX escape. */
export const neutralise = (text: string): string => text.replace(UNPRINTABLE, escapeCharacter);

/**
 * A value as JSON that parses to the same value and prints nothing a terminal acts on:
 * JSON.stringify escapes C0 controls; the other unprintable characters can only stand inside
 * strings, where \uXXXX means the same.
 */
export const printableJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, null, indent).replace(UNPRINTABLE_IN_JSON, escapeCharacter);

/** Pretty printableJson and a newline, as the CLIs print it. */
export const jsonForTerminal = (value: unknown): string => `${printableJson(value, 2)}\n`;

/**
 * Where a spreadsheet starts a cell: the start of the field, and after every `,` or `;` inside it,
 * because a reader of the other delimiter (`;` in many locales) splits the field there.
 */
const CELL_START_FORMULA = /(^|[,;])([=+\-@\t\r])/g;

/**
 * One CSV field, safe to open: unprintable characters escaped, a leading apostrophe wherever a
 * cell could start with a formula character in a `,` or `;` reader, quoted when it holds a quote
 * or a comma (RFC 4180).
 */
export function csvField(value: string): string {
  const guarded = neutralise(value).replace(CELL_START_FORMULA, "$1'$2");
  return /[",]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
