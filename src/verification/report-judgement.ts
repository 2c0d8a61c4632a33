import type { SignatureProblem } from '../attribute-signature/attribute-signer';
import type { SignatureTiming } from '../attribute-signature/signature-format';
import type { PiiClass, TrustLevel } from '../widget-config/registry/attribute-definition';

/**
 * The one definition of a verification report (the README's table is this function in words).
 *
 * Row status, per attribute name (registry attributes first, then every other name that arrived,
 * was expected or was issued). The comparand is the `expected` value when the request lists the
 * name, else the issued value when the ledger remembers the set:
 *   arrived under the exact name,  comparand given          -> match or mismatch
 *   arrived, the set is known (ledger) and did not hold it  -> unexpected
 *   arrived, nothing to compare:   valid signature          -> match (the signature vouches for it)
 *                                  registry attribute       -> present
 *                                  any other name           -> unexpected
 *   arrived only under a differently-cased key             -> case_mismatch (registry attributes)
 *   did not arrive                                          -> missing
 *
 * Trusted, per row (whether routing may rely on it; the registry's `trust`):
 *   a registry attribute with trust signed                  -> its row is match under a valid signature in force
 *   a registry attribute with trust report or any           -> it arrived under its exact name
 *   any other name                                          -> never
 *
 * Overall status, the first that applies:
 *   no signature attribute                                 -> unsigned
 *   signature malformed, unknown key, MAC or identity fails -> tampered
 *   valid, but issued after the conversation started        -> issued_after_start
 *   valid, but expired before the conversation started     -> expired
 *   a name listed in `expected` is not `match`             -> not_as_expected
 *   a required registry attribute missing or case_mismatch -> incomplete
 *   otherwise                                              -> verified
 * (`no_customer`, a conversation without a customer participant, is decided before any of this.)
 *
 * Arrival, for a valid signature (judgeArrival): `after_start` when the set was issued after the
 * conversation started, else `unknown`. Genesys publishes no answer that shows which message
 * carried the custom attributes (its MessageData model has no place for them), so whether a set
 * rode on the visitor's first message is never a status: it cannot be told.
 */

export const ROW_STATUSES = ['match', 'mismatch', 'missing', 'unexpected', 'case_mismatch', 'present'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

export const REPORT_STATUSES = [
  'verified',
  'tampered',
  'unsigned',
  'expired',
  'issued_after_start',
  'not_as_expected',
  'incomplete',
  'no_customer',
] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** What is known of the signature: absent, failed, or valid and in or out of force at the conversation's start. */
export type SignatureFinding = { kind: 'absent' } | { kind: 'invalid'; problem: SignatureProblem } | { kind: 'valid'; timing: SignatureTiming };

export interface RegistryAttribute {
  readonly name: string;
  readonly required: boolean;
  readonly pii: PiiClass;
  readonly trust: TrustLevel;
}

export interface JudgementInput {
  /** What reached the customer participant, the signature attribute taken out. */
  arrived: ReadonlyMap<string, string>;
  signature: SignatureFinding;
  /** The set the ledger remembers under the signature's nonce, if any. */
  issued?: ReadonlyMap<string, string>;
  /** Values the caller expects; only the names listed are compared with them. */
  expected?: ReadonlyMap<string, string>;
  registry: readonly RegistryAttribute[];
}

export const ARRIVALS = ['after_start', 'unknown'] as const;
/**
 * When a validly signed set reached the conversation, as far as Genesys's answers can tell:
 * `after_start`, issued after the conversation started (Conversation.startTime), so it was not
 * there at the start; `unknown`, issued before, and nothing Genesys publishes shows whether it came
 * with the first message or a later one.
 */
export type Arrival = (typeof ARRIVALS)[number];

/** The arrival of a signed set; none without a valid signature (nothing is vouched to have arrived). */
export function judgeArrival(signature: SignatureFinding): Arrival | undefined {
  if (signature.kind !== 'valid') return undefined;
  return signature.timing === 'not_yet_valid' ? 'after_start' : 'unknown';
}

export interface JudgedRow {
  name: string;
  status: RowStatus;
  required: boolean;
  /** Whether routing may rely on this attribute under the trust policy. */
  trusted: boolean;
  arrivedAs?: string;
  arrived?: string;
  issued?: string;
  expected?: string;
}

export interface Judgement {
  status: Exclude<ReportStatus, 'no_customer'>;
  rows: JudgedRow[];
}

const REDACTED = '[redacted]';

/**
 * Whether a row is a finding someone should look at: a value not as issued, a name not issued or
 * wrongly cased, or missing where it was required or issued (metrics and audits count these).
 */
export function isFinding(row: Pick<JudgedRow, 'status' | 'required' | 'issued'>): boolean {
  if (row.status === 'mismatch' || row.status === 'unexpected' || row.status === 'case_mismatch') return true;
  return row.status === 'missing' && (row.required || row.issued !== undefined);
}

export function judgeAttributes(input: JudgementInput): Judgement {
  const { arrived, issued, expected, signature } = input;
  const registryByName = new Map(input.registry.map((attribute) => [attribute.name, attribute]));
  const accounted = new Set<string>();
  const vouched = signature.kind === 'valid' && signature.timing === 'current';
  const show = (name: string, value: string | undefined) =>
    value === undefined ? undefined : registryByName.get(name)?.pii === 'personal' ? REDACTED : value;

  /** An arrived key that differs from `name` only in case and names nothing in the registry itself. */
  const wronglyCased = (name: string) => {
    const folded = name.toLowerCase();
    for (const key of arrived.keys()) {
      if (key !== name && !accounted.has(key) && !registryByName.has(key) && key.toLowerCase() === folded) return key;
    }
    return undefined;
  };

  const judge = (name: string, required: boolean): JudgedRow => {
    const listedInExpected = expected?.has(name) ?? false;
    const comparand = listedInExpected ? expected?.get(name) : issued?.get(name);
    const row: JudgedRow = { name, status: 'missing', required, trusted: false };
    const arrivedValue = arrived.get(name);
    if (arrivedValue !== undefined) {
      accounted.add(name);
      row.arrived = show(name, arrivedValue);
      if (comparand !== undefined) row.status = comparand === arrivedValue ? 'match' : 'mismatch';
      else if (issued !== undefined) row.status = 'unexpected';
      else if (signature.kind === 'valid') row.status = 'match';
      else row.status = registryByName.has(name) ? 'present' : 'unexpected';
    } else {
      const casedKey = registryByName.has(name) ? wronglyCased(name) : undefined;
      if (casedKey !== undefined) {
        accounted.add(casedKey);
        row.status = 'case_mismatch';
        row.arrivedAs = casedKey;
        row.arrived = show(name, arrived.get(casedKey));
      }
    }
    const trust = registryByName.get(name)?.trust;
    const arrivedAsIs = arrivedValue !== undefined;
    row.trusted = arrivedAsIs && trust !== undefined && (trust === 'signed' ? vouched && row.status === 'match' : true);
    const issuedValue = show(name, issued?.get(name));
    if (issuedValue !== undefined) row.issued = issuedValue;
    if (listedInExpected) row.expected = show(name, expected?.get(name));
    return row;
  };

  const rows = input.registry.map((attribute) => judge(attribute.name, attribute.required));
  const others = new Set([...arrived.keys(), ...(expected?.keys() ?? []), ...(issued?.keys() ?? [])]);
  for (const name of others) {
    if (!registryByName.has(name) && !accounted.has(name)) rows.push(judge(name, false));
  }
  return { status: overallStatus(signature, rows, expected), rows };
}

function overallStatus(
  signature: SignatureFinding,
  rows: readonly JudgedRow[],
  expected: ReadonlyMap<string, string> | undefined,
): Judgement['status'] {
  if (signature.kind === 'absent') return 'unsigned';
  if (signature.kind === 'invalid') return 'tampered';
  if (signature.timing === 'not_yet_valid') return 'issued_after_start';
  if (signature.timing === 'expired') return 'expired';
  if (rows.some((row) => expected?.has(row.name) && row.status !== 'match')) return 'not_as_expected';
  if (rows.some((row) => row.required && (row.status === 'missing' || row.status === 'case_mismatch'))) return 'incomplete';
  return 'verified';
}
