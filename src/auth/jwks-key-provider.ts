import { Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JwksClient } from 'jwks-rsa';
import { TokenRefusal } from './token-rules';

export type KeyLookup = (kid: string | undefined, done: (error: Error | null, key?: KeyObject) => void) => void;

/** A published key as the JWKS fetch yields it. */
export interface PublishedKey {
  kid: string;
  getPublicKey(): string;
}

export interface JwksPacing {
  /** At most one JWKS fetch per this many ms, however many unknown key ids arrive. */
  minRefetchMs: number;
  /** Known keys are fetched again after this long, so a key the provider withdrew stops being trusted. */
  maxKeyAgeMs: number;
  now: () => number;
  wait: (ms: number) => Promise<void>;
}

/** What readiness reports of the key set. */
export interface JwksCondition {
  /** Keys held from the last successful fetch. */
  keys: number;
  /** When the JWKS was last fetched with success, ms since the epoch. */
  fetchedAt?: number;
  /** Why the last fetch failed, when it did (known keys keep serving; new ones are refused). */
  lastFetchError?: string;
  /** Tokens naming key ids the JWKS did not publish, in the last minute. */
  unknownKeyIdsLastMinute: number;
}

/** Keys for callers' JWTs, and the condition of the set they come from. */
export interface PacedKeys {
  lookup: KeyLookup;
  condition(): JwksCondition;
}

/** How long a fetched key is trusted before the JWKS is asked again (jwks-rsa's own default cache age). */
const MAX_KEY_AGE_MS = 10 * 60_000;
/**
 * Unknown key ids in one refetch window, or in the last minute, from which on the flood is worth a warning (and
 * readiness says degraded).
 */
export const UNKNOWN_KIDS_WORTH_A_WARNING = 10;
const RECENT_SPAN_SECONDS = 60;

/**
 * Events of the last minute, counted per second in a ring: bounded memory under a flood, and a
 * span that does not depend on the refetch pacing (its windows can be 50 ms or a minute long, so
 * "the last window" said little and split one flood into counts below the warning mark).
 */
function lastMinuteCounter(now: () => number) {
  const slots = Array.from({ length: RECENT_SPAN_SECONDS }, () => ({ second: Number.NEGATIVE_INFINITY, count: 0 }));
  const currentSecond = () => Math.floor(now() / 1000);
  return {
    add(): void {
      const second = currentSecond();
      const slot = slots[second % RECENT_SPAN_SECONDS];
      if (slot.second !== second) Object.assign(slot, { second, count: 0 });
      slot.count += 1;
    },
    total(): number {
      const second = currentSecond();
      return slots.reduce((sum, slot) => (second - slot.second < RECENT_SPAN_SECONDS ? sum + slot.count : sum), 0);
    },
  };
}

/**
 * Keys for callers' JWTs from a set fetched whole, paced so that what a caller writes cannot
 * exhaust it: a token's key id is unverified, and jwks-rsa fetched (within a shared budget of 10
 * per minute) for every unknown one, so a flood of random key ids locked out every genuinely new
 * key. Here a known key answers at once; an unknown one waits for the next fetch, and there is at
 * most one fetch per `minRefetchMs`, which every waiting lookup shares.
 */
export function pacedKeyLookup(
  fetchKeys: () => Promise<PublishedKey[]>,
  pacing: JwksPacing,
  logger = new Logger('JwksKeys'),
): PacedKeys {
  let keys = new Map<string, KeyObject>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let succeededAt: number | undefined;
  let lastFetchError: string | undefined;
  let pending: Promise<void> | undefined;
  let unknownSinceFetch = 0;
  const unknownRecently = lastMinuteCounter(pacing.now);

  const refetch = (): Promise<void> =>
    (pending ??= (async () => {
      const wait = fetchedAt + pacing.minRefetchMs - pacing.now();
      if (wait > 0) await pacing.wait(wait);
      try {
        const published = await fetchKeys();
        keys = new Map(published.map((key) => [key.kid, createPublicKey(key.getPublicKey())]));
        succeededAt = pacing.now();
        lastFetchError = undefined;
      } catch (error) {
        // The keys already held keep serving; unknown ones are refused until a fetch succeeds.
        lastFetchError = (error as Error).message;
        logger.warn(`JWKS fetch failed: ${lastFetchError}`);
      } finally {
        if (unknownSinceFetch >= UNKNOWN_KIDS_WORTH_A_WARNING)
          logger.warn(`${unknownSinceFetch} tokens named key ids the JWKS does not publish since the last fetch`);
        unknownSinceFetch = 0;
        fetchedAt = pacing.now();
        pending = undefined;
      }
    })());

  // Without a key id, the only published key is meant (as jwks-rsa reads it).
  const find = (kid: string | undefined) =>
    kid === undefined ? (keys.size === 1 ? [...keys.values()][0] : undefined) : keys.get(kid);

  const lookup: KeyLookup = (kid, done) => {
    const known = find(kid);
    if (known && pacing.now() - fetchedAt < pacing.maxKeyAgeMs) {
      done(null, known);
      return;
    }
    // Before the first fetch every key id is unknown; that is no sign of anything.
    if (!known && succeededAt !== undefined) {
      unknownSinceFetch += 1;
      unknownRecently.add();
    }
    void refetch().then(() => {
      const key = find(kid);
      if (key) done(null, key);
      else done(new TokenRefusal('token_invalid', 'The token is not valid.'));
    });
  };
  const condition = (): JwksCondition => ({
    keys: keys.size,
    ...(succeededAt === undefined ? {} : { fetchedAt: succeededAt }),
    ...(lastFetchError === undefined ? {} : { lastFetchError }),
    unknownKeyIdsLastMinute: unknownRecently.total(),
  });
  return { lookup, condition };
}

/** A JWKS is a few kilobytes; an answer beyond these is refused before it is parsed. */
const MAX_JWKS_BYTES = 256 * 1024;
const MAX_JWKS_KEYS = 100;
const JWKS_TIMEOUT_MS = 5000;

/** The JWKS document, read with a time limit and a size limit (jwks-rsa's own fetch has neither bound on size). */
async function fetchJwks(jwksUri: string): Promise<{ keys: unknown[] }> {
  const response = await fetch(jwksUri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok || !response.body) throw new Error(`the JWKS endpoint answered ${response.status}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_JWKS_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw new Error(`the JWKS is larger than ${MAX_JWKS_BYTES} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  const document = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { keys?: unknown };
  if (!Array.isArray(document.keys)) throw new Error('the JWKS has no keys array');
  return { keys: document.keys.slice(0, MAX_JWKS_KEYS) };
}

/** Keys from an identity provider's JWKS URL; jwks-rsa parses them, the fetch and its pacing are ours. */
export function jwksKeys(jwksUri: string, minRefetchMs: number): PacedKeys {
  // jwks-rsa is loaded at the first fetch: a service on a shared secret never loads it.
  let client: JwksClient | undefined;
  const signingKeys = async () => {
    client ??= new (await import('jwks-rsa')).JwksClient({
      jwksUri,
      cache: false,
      rateLimit: false,
      timeout: JWKS_TIMEOUT_MS,
      fetcher: fetchJwks,
    });
    return client.getSigningKeys();
  };
  return pacedKeyLookup(signingKeys, {
    minRefetchMs,
    maxKeyAgeMs: MAX_KEY_AGE_MS,
    now: Date.now,
    wait: (ms) => sleep(ms),
  });
}
