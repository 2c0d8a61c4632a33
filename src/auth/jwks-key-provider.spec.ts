import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { pacedKeyLookup, type JwksPacing, type PublishedKey } from './jwks-key-provider';

function publishedKey(): PublishedKey & { publicKey: KeyObject } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid: randomUUID(), publicKey, getPublicKey: () => publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

/** A provider whose JWKS the test edits, and a clock and waits the test moves by hand. */
function setUp() {
  const published: PublishedKey[] = [publishedKey()];
  let fetches = 0;
  let now = 1_000_000;
  const waiting: { until: number; resolve: () => void }[] = [];
  const pacing: JwksPacing = {
    minRefetchMs: 5_000,
    maxKeyAgeMs: 600_000,
    now: () => now,
    wait: (ms) => new Promise<void>((resolve) => waiting.push({ until: now + ms, resolve })),
  };
  const lookup = pacedKeyLookup(
    async () => {
      fetches += 1;
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
  return { published, find, advance, fetches: () => fetches };
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
});
