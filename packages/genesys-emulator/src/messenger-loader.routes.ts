import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the demo shop finds the gateway and the development visitor it signs in as. */
export interface DemoShop {
  gatewayUrl: string;
  /** A development visitor token, as `npm start` prints it. */
  visitorToken: string;
  /** A development internal-service token with `conversations:verify`: the shop's back office. */
  serviceToken: string;
}

const ASSETS = join(__dirname, '..', 'assets');

/**
 * The browser half: Messenger's loader at its real path (the emulator's stand-in, speaking the
 * Guest API of this emulator), and, when the sandbox passes `demo`, the demo shop page at `/demo/`.
 */
export function registerMessengerLoaderRoutes(app: FastifyInstance, demo: DemoShop | undefined): void {
  const loader = readFileSync(join(ASSETS, 'genesys.min.js'), 'utf8');
  app.get('/genesys-bootstrap/genesys.min.js', async (_request, reply) =>
    reply
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(loader),
  );
  if (!demo) return;
  const page = readFileSync(join(ASSETS, 'demo-shop.html'), 'utf8');
  app.get('/demo', async (_request, reply) => reply.redirect('/demo/'));
  app.get('/demo/', async (_request, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(page),
  );
  app.get('/demo/session.json', async (_request, reply) => reply.header('cache-control', 'no-store').send(demo));
}
