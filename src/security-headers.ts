import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Helmet's headers, computed once: they do not depend on the request, and building them per
 * request (as the Fastify plugin does) re-parses the CSP directives every time.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  helmet({
    // Swagger UI needs inline styles and its own scripts; everything else stays same-origin.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        scriptSrc: ["'self'"],
        // Upgrading would break the UI wherever the service is reached over plain HTTP (sandbox, cluster-internal).
        upgradeInsecureRequests: null,
      },
    },
  })({} as IncomingMessage, collector, () => undefined);
  return headers;
}

