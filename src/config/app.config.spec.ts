import { withEnvironment } from '../../test/support/test-app';
import { ConfigurationError } from './environment';
import { appConfig, parseTrustProxy } from './app.config';

describe('parseTrustProxy', () => {
  it('reads true and false as themselves', () => {
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
  });

  it('reads a hop count as trusting that many proxies in front, and no more', () => {
    const trusts = parseTrustProxy('2') as (address: string, hop: number) => boolean;
    expect([0, 1, 2, 3].map((hop) => trusts('10.0.0.1', hop))).toEqual([true, true, false, false]);
  });

  it('reads a list of addresses and ranges, spaces around the commas dropped', () => {
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
  });

  it.each([
    ['a word', 'yes'],
    ['a host name', 'proxy.example'],
    ['an address with a trailing command', '10.0.0.1;rm'],
    ['64 KB of spaces after a comma', `1,${' '.repeat(64 * 1024)}x`],
  ])('refuses %s at start-up', async (_label, value) => {
    await expect(withEnvironment({ TRUST_PROXY: value }, async () => appConfig())).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });
});
