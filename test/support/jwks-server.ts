import { randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rsaKeyPair } from './rsa-key-pair';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface JwksServer {
  url: string;
  /** Keys currently published. */
  keys: SigningKey[];
  /** How many times the JWKS was fetched. */
  fetches: number;
  newKey(): SigningKey;
  close(): Promise<void>;
}

/** An identity provider's JWKS endpoint on loopback, with keys the test can rotate. */
export async function startJwksServer(): Promise<JwksServer> {
  const state: JwksServer = {
    url: '',
    keys: [],
    fetches: 0,
    newKey() {
      const { privateKey, publicKey } = rsaKeyPair();
      return { kid: randomUUID(), privateKey, publicKey };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    state.fetches += 1;
    const keys = state.keys.map((key) => ({
      ...key.publicKey.export({ format: 'jwk' }),
      kid: key.kid,
      alg: 'RS256',
      use: 'sig',
    }));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return state;
}
