import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app.module';
import { buildOpenApiDocument, renderOpenApiYaml } from '../openapi-document';

/**
 * `npm run openapi`: writes openapi.yaml at the repository root. Preview mode builds the
 * module graph without instantiating providers, so no secret or upstream is needed.
 */
async function writeOpenApi(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { preview: true, logger: false });
  const target = resolve(__dirname, '..', '..', 'openapi.yaml');
  writeFileSync(target, renderOpenApiYaml(await buildOpenApiDocument(app)));
  await app.close();
  process.stdout.write(`wrote ${target}\n`);
}

void writeOpenApi();
