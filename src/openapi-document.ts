import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { dump } from 'js-yaml';
import { ErrorBodyDto } from './errors/error-body.dto';
import { errorExample } from './errors/error-responses';
import { CODE_BY_STATUS, MESSAGE_BY_STATUS } from './errors/global-exception.filter';
import { BEARER_AUTH } from './auth/auth.decorators';
import metadata from './metadata';

export const SWAGGER_UI_PATH = 'docs';

/**
 * The OpenAPI document of the service. Plugin metadata (DTO JSDoc, types) comes from the
 * generated `src/metadata.ts`, so the document is the same under `nest build` and under jest.
 */
export async function buildOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  await SwaggerModule.loadPluginMetadata(metadata);
  const config = new DocumentBuilder()
    .setTitle('wm-attribute-gateway')
    .setDescription(
      'Issues the Genesys Cloud Web Messaging configuration for signed-in visitors, with custom ' +
        'attributes validated against a registry and signed, and verifies that they reached the conversation intact.',
    )
    .setVersion('0.2.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .addTag('health', 'Liveness and readiness probes')
    .addTag(
      'web-messaging',
      'Messenger configuration with validated, signed custom attributes, and the attribute registry',
    )
    .addTag('verification', 'Did the attributes reach the Genesys Cloud conversation as issued?')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorBodyDto],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return withBodyParsingErrors(document);
}

/**
 * What every operation that takes a body can answer before its route runs, whatever the route:
 * the HTTP layer's 413 (over BODY_LIMIT_BYTES), 415 (not application/json) and 400
 * `malformed_body` (JSON that does not parse). Added here, for every such operation at once, so
 * that no route can be given a body and forget them.
 */
function withBodyParsingErrors(document: OpenAPIObject): OpenAPIObject {
  const errorBody = (status: number, description: string) => ({
    description,
    content: {
      'application/json': {
        schema: { $ref: `#/components/schemas/${ErrorBodyDto.name}` },
        example: errorExample(status, CODE_BY_STATUS[status], MESSAGE_BY_STATUS[status]),
      },
    },
  });
  const malformed = '`malformed_body`: the body is not valid JSON.';
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.post, item.put, item.patch]) {
      if (!operation?.requestBody) continue;
      const responses = operation.responses;
      responses['413'] ??= errorBody(413, '`payload_too_large`: the body is larger than BODY_LIMIT_BYTES.');
      responses['415'] ??= errorBody(415, '`unsupported_media_type`: the body is not application/json.');
      const badRequest = responses['400'] as { description?: string } | undefined;
      if (badRequest === undefined) responses['400'] = errorBody(400, malformed);
      else if (!badRequest.description?.includes('malformed_body'))
        badRequest.description = `${badRequest.description ?? ''} ${malformed}`.trim();
    }
  }
  return document;
}

/** Deterministic YAML: sorted keys, no anchors, no line folding. */
export function renderOpenApiYaml(document: OpenAPIObject): string {
  return dump(document, { sortKeys: true, noRefs: true, lineWidth: -1 });
}

export async function setupSwaggerUi(app: INestApplication): Promise<void> {
  const document = await buildOpenApiDocument(app);
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, {
    jsonDocumentUrl: `${SWAGGER_UI_PATH}-json`,
    yamlDocumentUrl: `${SWAGGER_UI_PATH}-yaml`,
    swaggerOptions: { persistAuthorization: true },
  });
}
