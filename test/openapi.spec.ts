import SwaggerParser from '@apidevtools/swagger-parser';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument, renderOpenApiYaml } from '../src/openapi/openapi-document';

describe('openapi.yaml', () => {
  let generated: string;

  beforeAll(async () => {
    const app = await NestFactory.create(AppModule, new FastifyAdapter(), { preview: true, logger: false });
    generated = renderOpenApiYaml(await buildOpenApiDocument(app));
    await app.close();
  });

  it('is what the code generates (run `npm run openapi` after changing an endpoint or DTO)', () => {
    const committed = readFileSync(join(__dirname, '..', 'openapi.yaml'), 'utf8');
    expect(committed).toBe(generated);
  });

  it('is a valid OpenAPI document', async () => {
    const document = load(generated) as Parameters<typeof SwaggerParser.validate>[0];
    await expect(SwaggerParser.validate(document)).resolves.toBeDefined();
  });

  it('documents the error body and the bearer scheme', () => {
    const document = load(generated) as {
      components: { schemas: Record<string, { required?: string[] }>; securitySchemes: Record<string, unknown> };
    };
    expect(document.components.schemas.ErrorBodyDto.required).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message', 'details', 'requestId']),
    );
    expect(document.components.securitySchemes.bearer).toBeDefined();
  });
});
