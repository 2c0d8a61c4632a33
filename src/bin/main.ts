import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { createApp } from '../bootstrap';
import { AppLogger } from '../logging/app-logger';
import { appConfig } from '../config/app.config';
import { ConfigurationError } from '../config/environment';

// The live heap is ~45 MB; under load V8's default lets old space grow to about four times that
// between full collections (peak RSS ~190 MB on the config endpoint). Growing it 2× at most keeps
// the peak near 170 MB with no measurable loss of throughput (BENCHMARKS.md).
setFlagsFromString('--heap-growing-percent=100');

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
