import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument, renderOpenApiYaml } from '../src/openapi-document';
import { REPORT_STATUSES } from '../src/verification/report-judgement';

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

  describe('examples', () => {
    interface Media {
      schema: object;
      example?: unknown;
      examples?: Record<string, { value: unknown }>;
    }
    type Operation = { responses: Record<string, { content?: Record<string, Media> }> };

    /** The schema as Swagger shows it, but closed: an example with a property the DTO does not have fails. */
    const closed = (schema: unknown): unknown => {
      if (Array.isArray(schema)) return schema.map(closed);
      if (typeof schema !== 'object' || schema === null) return schema;
      const copy = Object.fromEntries(
        Object.entries(schema).map(([key, value]) => [key, key === 'example' ? value : closed(value)]),
      );
      return 'properties' in copy && !('additionalProperties' in copy)
        ? { ...copy, additionalProperties: false }
        : copy;
    };

    async function documentedResponses() {
      const document = (await SwaggerParser.dereference(
        load(generated) as Parameters<typeof SwaggerParser.validate>[0],
      )) as unknown as {
        paths: Record<string, Record<string, Operation>>;
      };
      return Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.entries(operations).flatMap(([method, operation]) =>
          Object.entries(operation.responses).flatMap(([status, response]) =>
            Object.values(response.content ?? {}).map((media) => ({
              where: `${method.toUpperCase()} ${path} ${status}`,
              status: Number(status),
              media,
              examples:
                media.example !== undefined
                  ? { example: media.example }
                  : Object.fromEntries(Object.entries(media.examples ?? {}).map(([name, { value }]) => [name, value])),
            })),
          ),
        ),
      );
    }

    it('validate against the schema of their status', async () => {
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      const failures: string[] = [];
      for (const { where, media, examples } of await documentedResponses()) {
        const validate = ajv.compile(closed(media.schema) as object);
        for (const [name, example] of Object.entries(examples)) {
          if (!validate(example)) failures.push(`${where} ${name}: ${ajv.errorsText(validate.errors)}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('exist for every documented error status and carry that status', async () => {
      const problems: string[] = [];
      for (const { where, status, examples } of await documentedResponses()) {
        if (status < 400) continue;
        if (Object.keys(examples).length === 0) problems.push(`${where}: no example`);
        for (const [name, example] of Object.entries(examples)) {
          if ((example as { statusCode?: unknown }).statusCode !== status)
            problems.push(`${where} ${name}: statusCode is not ${status}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('show one verification report per status, named after it', async () => {
      const reports = (await documentedResponses()).filter(
        ({ where }) => where === 'GET /api/verification/conversations/{conversationId} 200',
      );
      expect(reports).toHaveLength(1);
      const { examples } = reports[0];
      expect(Object.entries(examples).map(([name, report]) => [name, (report as { status: string }).status])).toEqual(
        Object.keys(examples).map((name) => [name, name]),
      );
      expect(Object.keys(examples).sort()).toEqual([...REPORT_STATUSES].sort());
    });
  });
});
