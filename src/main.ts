import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createApp } from './bootstrap';
import { AppLogger } from './logging/app-logger';
import { appConfig } from './config/app.config';
import { ConfigurationError } from './config/environment';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await createApp();
  const { host, port } = appConfig();
  await app.listen(port, host);
  app.get(AppLogger).log(`Listening on http://${host}:${port}; Swagger UI at /docs`, 'Bootstrap');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`wm-attribute-gateway will not start.\n${error.message}\n`);
  } else {
    process.stderr.write(`wm-attribute-gateway failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  }
  process.exit(1);
});
