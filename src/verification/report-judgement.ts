import type { SignatureProblem } from '../attribute-signature/attribute-signer';
import type { SignatureTiming } from '../attribute-signature/signature-format';
import type { PiiClass, TrustLevel } from '../attribute-registry/attribute-definition';

/**
 * The one definition of a verification report (docs/verification.md's table is this function in words).
 *
 * What the signature covers: the registry's attributes and its retired names (`covers`), exactly
 * as they arrived; nothing else. Messenger is not the only writer of the customer participant's
 * attributes (Architect's Set Participant Data, scripts and integrations write the same map), so
 * any other name is someone else's data: reported as `other`, never part of the MAC, never a
 * reason for a status, never trusted for routing (signedPart is the MAC's input).
 *
 * Row status, per attribute name (registry attributes first, then every other name that arrived,
 * was expected or was issued). The comparand is the `expected` value when the request lists the
 * name, else the issued value when the ledger remembers the set:
 *   arrived under the exact name,  comparand given          -> match or mismatch
 *   a name the signature does not cover                     -> other
 *   arrived, the set is known (ledger) and did not hold it  -> unexpected
 *   arrived, nothing to compare:   valid signature          -> match (the signature vouches for it)
 *                                  otherwise                -> present
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
 *   valid, but what the signature covers differs from the
 *     set the ledger remembers under its nonce             -> tampered (mismatch: the two cannot both be right)
 *   valid, but issued after the conversation started        -> issued_after_start
 *   valid, but expired before the conversation started     -> expired
 *     (both with 60 s of tolerance, CLOCK_SKEW_SECONDS: our clock and Genesys's may differ by that)
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

export const ROW_STATUSES = [
  'match',
  'mismatch',
  'missing',
  'unexpected',
  'case_mismatch',
  'present',
  'other',
] as const;
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
export type SignatureFinding =
  { kind: 'absent' } | { kind: 'invalid'; problem: SignatureProblem } | { kind: 'valid'; timing: SignatureTiming };

export interface RegistryAttribute {
  readonly name: string;
  readonly required: boolean;
  /** The longest value issued: a value longer than this cannot be as issued. */
  readonly maxLength: number;
  readonly pii: PiiClass;
  readonly trust: TrustLevel;
}

export interface JudgementInput {
  /** What reached the customer participant, the signature attribute taken out (readArrived). */
  arrived: ReadonlyMap<string, string>;
  signature: SignatureFinding;
  /** The set the ledger remembers under the signature's nonce, if any. */
  issued?: ReadonlyMap<string, string>;
  /** Values the caller expects; only the names listed are compared with them. */
  expected?: ReadonlyMap<string, string>;
  registry: readonly RegistryAttribute[];
  /**
   * Whether the signature covers a name: a registry attribute, or one retired from the registry
   * (AttributeRegistry.covers).
   */
  covers: (name: string) => boolean;
  /** Names whose value analytics may have cut (read from job results); none when read whole (a conversation GET). */
  cut?: ReadonlySet<string>;
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
  /** The signature as judged: a valid one whose set the ledger contradicts is a mismatch. */
  signature: SignatureFinding;
  rows: JudgedRow[];
  /**
   * Whether the whole of a value analytics may have cut could give another status: then only a conversation GET settles
   * it.
   */
  cutMatters: boolean;
}

/**
 * What arrived, as every verdict reads it: the signature taken out, and no empty values (Genesys
 * removes an attribute set to "", and Architect hands a data action an unset one as "", so an
 * empty value is no attribute wherever it shows up). No prototype: `__proto__` is a name like any.
 */
export function readArrived(
  attributes: Readonly<Record<string, string>>,
  signatureName: string,
): { token?: string; arrived: Record<string, string> } {
  const arrived = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(attributes)) if (value !== '') arrived[name] = value;
  const token = arrived[signatureName];
  delete arrived[signatureName];
  return token === undefined ? { arrived } : { token, arrived };
}

/** The part of what arrived that the MAC is checked over: the names the signature covers. */
export function signedPart(
  arrived: Readonly<Record<string, string>>,
  covers: (name: string) => boolean,
): Record<string, string> {
  const signed = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(arrived)) if (covers(name)) signed[name] = value;
  return signed;
}

/** Whether nothing of ours reached the participant: no signature and no name it covers (someone else's data aside). */
export function nothingOfOurs(
  arrival: { token?: string; arrived: Readonly<Record<string, string>> },
  covers: (name: string) => boolean,
): boolean {
  return arrival.token === undefined && Object.keys(arrival.arrived).every((name) => !covers(name));
}

/**
 * Whether values analytics may have cut could change the status. Not without a signature
 * (unsigned whatever they hold), nor with one that is malformed or names an unknown key (tampered
 * whatever they hold), nor when one cut value covered by the signature cannot be as issued: longer
 * than its attribute's maxLength, or other than the set the ledger remembers (tampered whatever
 * the rest holds, and the cut value fails the MAC as the whole one does). Otherwise the MAC of
 * the cut values says nothing about the whole ones: a visitor can append to a value analytics cuts
 * back to what was issued.
 */
function judgeCut(input: JudgementInput, registryByName: ReadonlyMap<string, RegistryAttribute>): boolean {
  const { arrived, issued, covers, signature } = input;
  const cut = [...(input.cut ?? [])].filter((name) => covers(name) && arrived.has(name));
  if (cut.length === 0 || signature.kind === 'absent') return false;
  if (signature.kind === 'invalid' && (signature.problem === 'malformed' || signature.problem === 'unknown_key'))
    return false;
  return cut.every((name) => {
    const value = arrived.get(name) as string;
    if (issued !== undefined) return issued.get(name) === value;
    // A retired name's limit is no longer known: it may have been long.
    return (registryByName.get(name)?.maxLength ?? Infinity) >= value.length;
  });
}

/** A valid signature over a set the ledger remembers otherwise: the MAC and the ledger disagree, so neither vouches. */
function contradictsLedger(input: JudgementInput): boolean {
  const { arrived, issued, covers, signature } = input;
  if (signature.kind !== 'valid' || issued === undefined) return false;
  for (const [name, value] of arrived) if (covers(name) && issued.get(name) !== value) return true;
  for (const [name, value] of issued) if (arrived.get(name) !== value) return true;
  return false;
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
  const { arrived, issued, expected, covers } = input;
  const signature: SignatureFinding = contradictsLedger(input)
    ? { kind: 'invalid', problem: 'mismatch' }
    : input.signature;
  const registryByName = new Map(input.registry.map((attribute) => [attribute.name, attribute]));
  const accounted = new Set<string>();
  const vouched = signature.kind === 'valid' && signature.timing === 'current';
  const show = (name: string, value: string | undefined) =>
    value === undefined ? undefined : registryByName.get(name)?.pii === 'personal' ? REDACTED : value;

  /** An arrived key that differs from `name` only in case and names nothing in the registry itself. */
  const wronglyCased = (name: string) => {
    const folded = name.toLowerCase();
    for (const key of arrived.keys()) {
      if (key !== name && !accounted.has(key) && !covers(key) && key.toLowerCase() === folded) return key;
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
      if (listedInExpected || covers(name)) row.arrived = show(name, arrivedValue);
      if (comparand !== undefined && (listedInExpected || covers(name)))
        row.status = comparand === arrivedValue ? 'match' : 'mismatch';
      // Someone else's data (a flow, a script): its value is not ours to show, nor a finding.
      else if (!covers(name)) row.status = 'other';
      else if (issued !== undefined) row.status = 'unexpected';
      else if (signature.kind === 'valid') row.status = 'match';
      else row.status = 'present';
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
  return {
    status: overallStatus(signature, rows, expected),
    signature,
    rows,
    cutMatters: judgeCut(input, registryByName),
  };
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
  if (rows.some((row) => row.required && (row.status === 'missing' || row.status === 'case_mismatch')))
    return 'incomplete';
  return 'verified';
}
