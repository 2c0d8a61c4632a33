import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { pacedKeyLookup, type JwksPacing, type PublishedKey } from './jwks-key-provider';

function publishedKey(): PublishedKey & { publicKey: KeyObject } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid: randomUUID(),
    publicKey,
    getPublicKey: () => publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** A provider whose JWKS the test edits, and a clock and waits the test moves by hand. */
function setUp() {
  const published: PublishedKey[] = [publishedKey()];
  let fetches = 0;
  let failure: string | undefined;
  let now = 1_000_000;
  const waiting: { until: number; resolve: () => void }[] = [];
  const pacing: JwksPacing = {
    minRefetchMs: 5_000,
    maxKeyAgeMs: 600_000,
    now: () => now,
    wait: (ms) => new Promise<void>((resolve) => waiting.push({ until: now + ms, resolve })),
  };
  const { lookup, condition } = pacedKeyLookup(
    async () => {
      fetches += 1;
      if (failure) {
        const message = failure;
        failure = undefined;
        throw new Error(message);
      }
      return [...published];
    },
    pacing,
    { warn: () => undefined } as never,
  );
  const find = (kid: string | undefined) =>
    new Promise<KeyObject | Error>((resolve) => lookup(kid, (error, key) => resolve(error ?? (key as KeyObject))));
  const advance = async (ms: number) => {
    now += ms;
    for (const entry of waiting.filter((candidate) => candidate.until <= now)) {
      waiting.splice(waiting.indexOf(entry), 1);
      entry.resolve();
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  const failNextFetch = (message: string) => (failure = message);
  return { published, find, advance, fetches: () => fetches, condition, failNextFetch };
}

describe('pacedKeyLookup', () => {
  it('fetches once for the first key, then answers known keys without fetching', async () => {
    const jwks = setUp();
    expect(await jwks.find(jwks.published[0].kid)).not.toBeInstanceOf(Error);
    expect(await jwks.find(jwks.published[0].kid)).not.toBeInstanceOf(Error);
    expect(jwks.fetches()).toBe(1);
  });

  it('costs one fetch per window for a flood of random key ids, keeps known keys answering, and still finds a key published during it', async () => {
    const jwks = setUp();
    const [first] = jwks.published;
    await jwks.find(first.kid);

    const flood = Array.from({ length: 1000 }, () => jwks.find(randomUUID()));
    const rotated = publishedKey();
    jwks.published.push(rotated);
    const newcomer = jwks.find(rotated.kid);
    // Known keys are not held up by the flood.
    expect(await jwks.find(first.kid)).not.toBeInstanceOf(Error);
    expect(jwks.fetches()).toBe(1);

    await jwks.advance(5_000);
    expect(await newcomer).not.toBeInstanceOf(Error);
    expect((await Promise.all(flood)).every((result) => result instanceof Error)).toBe(true);
    expect(jwks.fetches()).toBe(2);
  });

  it('fetches known keys again once they are older than the longest key age, so a withdrawn key stops verifying', async () => {
    const jwks = setUp();
    const [first] = jwks.published;
    await jwks.find(first.kid);
    jwks.published.splice(0, 1, publishedKey());
    await jwks.advance(600_000);
    expect(await jwks.find(first.kid)).toBeInstanceOf(Error);
    expect(jwks.fetches()).toBe(2);
  });

  it('counts unknown key ids over the last minute, however the refetch windows split them', async () => {
    const jwks = setUp();
    await jwks.find(jwks.published[0].kid);
    // 12 made-up key ids, 3 per refetch window: no single window reaches the warning mark of 10.
    for (let window = 0; window < 4; window += 1) {
      const flood = Array.from({ length: 3 }, () => jwks.find(randomUUID()));
      await jwks.advance(5_000);
      await Promise.all(flood);
    }
    expect(jwks.condition()).toMatchObject({ unknownKeyIdsLastMinute: 12 });
    // A minute later the flood has aged out.
    await jwks.advance(60_000);
    expect(jwks.condition()).toMatchObject({ unknownKeyIdsLastMinute: 0 });
  });

  it('tells readiness how many unknown key ids the last minute saw, and why the last fetch failed', async () => {
    const jwks = setUp();
    const [first] = jwks.published;
    await jwks.find(first.kid);
    expect(jwks.condition()).toEqual({ keys: 1, fetchedAt: 1_000_000, unknownKeyIdsLastMinute: 0 });

    const flood = Array.from({ length: 25 }, () => jwks.find(randomUUID()));
    await jwks.advance(5_000);
    await Promise.all(flood);
    expect(jwks.condition()).toMatchObject({ keys: 1, unknownKeyIdsLastMinute: 25 });

    jwks.published.length = 0;
    jwks.failNextFetch('the JWKS endpoint answered 503');
    const during = jwks.find(randomUUID());
    await jwks.advance(5_000);
    await during;
    expect(jwks.condition()).toEqual({
      keys: 1,
      fetchedAt: 1_005_000,
      lastFetchError: 'the JWKS endpoint answered 503',
      unknownKeyIdsLastMinute: 26,
    });
    // The key held keeps verifying while the JWKS is away.
    expect(await jwks.find(first.kid)).not.toBeInstanceOf(Error);
  });
});
