import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AttributeLedger } from '../attribute-signature/attribute-ledger';
import { AttributeSigner } from '../attribute-signature/attribute-signer';
import type { AuthenticatedCaller } from '../auth/authenticated-caller';
import { CLOCK, type Clock } from '../clock/clock';
import { ApiError } from '../errors/api-error';
import { ServiceMetrics } from '../metrics/service-metrics';
import { MAX_CUSTOM_DATA_BYTES, customDataBytes } from '../genesys/custom-attributes';
import { genesysConfig, type GenesysConfig } from '../genesys/genesys.config';
import { suggestAttributeName } from '../attribute-registry/attribute-names';
import { serialiseAttribute } from '../attribute-registry/attribute-values';
import { queueFor } from '../attribute-registry/queue-routing';
import type { AttributeCheckDto, AttributeValidationReportDto } from './dto/validate-attributes.dto';
import type { AttributeRegistryDto } from './dto/attribute-definition.dto';
import type { IssueConfigDto } from './dto/issue-config.dto';
import type { WidgetConfigDto } from './dto/widget-config.dto';
import {
  ATTRIBUTE_REGISTRY,
  type AttributeDefinition,
  type AttributeRegistry,
} from '../attribute-registry/attribute-definition';

interface CheckedAttributes {
  checks: AttributeCheckDto[];
  serialised: Record<string, string>;
  valid: boolean;
}

function claimAt(claims: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' && Object.hasOwn(node, key)
        ? (node as Record<string, unknown>)[key]
        : undefined,
    claims,
  );
}

const describeSource = (definition: AttributeDefinition): string =>
  definition.source === 'request' ? 'request' : definition.source.claimPath.join('.');

/**
 * Builds the Messenger configuration of a visitor: attributes from verified claims (or posted by
 * an internal service) checked against the registry, serialised as Genesys stores them, signed,
 * kept in the ledger, and within Genesys's 2048-byte limit.
 */
@Injectable()
export class WidgetConfigService {
  constructor(
    @Inject(ATTRIBUTE_REGISTRY) private readonly registry: AttributeRegistry,
    private readonly signer: AttributeSigner,
    private readonly ledger: AttributeLedger,
    private readonly metrics: ServiceMetrics,
    @Inject(genesysConfig.KEY) private readonly genesys: GenesysConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  describeRegistry(): AttributeRegistryDto {
    return {
      attributes: this.registry.definitions.map((definition) => ({
        name: definition.name,
        description: definition.description,
        type: definition.type,
        ...(definition.values ? { values: [...definition.values] } : {}),
        source: describeSource(definition),
        required: definition.required,
        maxLength: definition.maxLength,
        ...(definition.pattern ? { pattern: definition.pattern.source } : {}),
        pii: definition.pii,
      })),
      routing: {
        defaultQueueId: this.registry.routing.defaultQueueId,
        rules: this.registry.routing.rules.map((rule) => ({ ...rule })),
      },
      signatureAttribute: this.signer.signatureName,
      maxCustomDataBytes: MAX_CUSTOM_DATA_BYTES,
    };
  }

  validate(candidate: Record<string, unknown>): AttributeValidationReportDto {
    const checked = this.check(candidate, (definition) => `${definition.name} is required`);
    const totalBytes = this.sizeWithSignature(
      checked.serialised,
      typeof candidate.userId === 'string' ? candidate.userId : '',
    );
    return {
      valid: checked.valid && totalBytes <= MAX_CUSTOM_DATA_BYTES,
      attributes: checked.checks,
      totalBytes,
      limitBytes: MAX_CUSTOM_DATA_BYTES,
    };
  }

  configForVisitor(caller: AuthenticatedCaller): Promise<WidgetConfigDto> {
    const candidate: Record<string, unknown> = {};
    for (const definition of this.registry.definitions) {
      if (definition.source === 'request') continue;
      const value = claimAt(caller.claims, definition.source.claimPath);
      if (value !== undefined && value !== null) candidate[definition.name] = value;
    }
    return this.issue(candidate, caller.subject, (definition) =>
      definition.source === 'request'
        ? `${definition.name} is required and only internal services can supply it`
        : `${definition.name} is required, but the token has no ${describeSource(definition)} claim`,
    );
  }

  configForService(request: IssueConfigDto): Promise<WidgetConfigDto> {
    const candidate: Record<string, unknown> = { ...request.attributes };
    for (const definition of this.registry.definitions) {
      const fromSubject = definition.source !== 'request' && definition.source.claimPath.join('.') === 'sub';
      if (fromSubject && !Object.hasOwn(candidate, definition.name)) candidate[definition.name] = request.userId;
    }
    return this.issue(candidate, request.userId, (definition) => `${definition.name} is required`);
  }

  private async issue(
    candidate: Record<string, unknown>,
    userId: string,
    missingMessage: (definition: AttributeDefinition) => string,
  ): Promise<WidgetConfigDto> {
    const checked = this.check(candidate, missingMessage);
    if (!checked.valid) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'attributes_invalid',
        'Some attributes cannot be issued.',
        checked.checks
          .filter((check) => !check.ok)
          .map((check) => ({
            field: `attributes.${check.name}`,
            code: check.code ?? 'invalid',
            message: check.message ?? '',
            ...(check.suggestion ? { suggestion: check.suggestion } : {}),
          })),
      );
    }
    const identity = this.registry.identity.name;
    if (checked.serialised[identity] !== userId) {
      // The signature binds the user id; an attribute set naming someone else must not be signed for this user.
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'attributes_invalid', 'Some attributes cannot be issued.', [
        {
          field: `attributes.${identity}`,
          code: 'identity_mismatch',
          message: `${identity} must equal the user id the attributes are issued for`,
        },
      ]);
    }
    const { token, claims } = this.signer.sign(checked.serialised, userId, new Date(this.clock.now()));
    const guestAttributes = this.withSignature(checked.serialised, token);
    const totalBytes = customDataBytes(guestAttributes);
    if (totalBytes > MAX_CUSTOM_DATA_BYTES) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'attributes_too_large',
        'The attributes exceed what Genesys accepts.',
        [
          {
            field: 'attributes',
            code: 'too_large',
            message: `${totalBytes} bytes of keys plus values (UTF-8, signature included); Genesys accepts at most ${MAX_CUSTOM_DATA_BYTES}`,
          },
        ],
      );
    }
    const issuedAtText = new Date(claims.issuedAt * 1000).toISOString();
    this.ledger.record(claims.nonce, { userId, issuedAt: issuedAtText, attributes: checked.serialised });
    this.metrics.attributeSetsIssued.inc();
    const { region, deploymentId, organizationId } = this.genesys;
    return {
      widgetId: deploymentId ?? '',
      organizationId: organizationId ?? null,
      environment: region.messengerEnvironment,
      region: region.domain,
      guestAttributes,
      routing: {
        queueId: queueFor(this.registry.routing, checked.serialised),
        defaultQueueId: this.registry.routing.defaultQueueId,
      },
      issuedAt: issuedAtText,
      // What the signature enforces: verification reports a set used after this as expired.
      expiresAt: new Date(claims.expiresAt * 1000).toISOString(),
    };
  }

  private check(
    candidate: Record<string, unknown>,
    missingMessage: (definition: AttributeDefinition) => string,
  ): CheckedAttributes {
    const checks: AttributeCheckDto[] = [];
    const serialised: Record<string, string> = {};
    for (const [name, raw] of Object.entries(candidate)) {
      const definition = this.registry.find(name);
      if (!definition) {
        const suggestion =
          name === this.signer.signatureName ? undefined : suggestAttributeName(name, this.registry.definitions);
        checks.push({
          name,
          ok: false,
          code: name === this.signer.signatureName ? 'reserved_attribute' : 'unknown_attribute',
          message:
            name === this.signer.signatureName
              ? `${name} is reserved for the signature this service adds`
              : `Unknown attribute "${name}"${suggestion ? `; did you mean "${suggestion}"?` : '.'} Names are case-sensitive.`,
          ...(suggestion ? { suggestion } : {}),
        });
        continue;
      }
      // Genesys removes an attribute set to "": a signed empty value could never arrive, and its set would always fail
      // the MAC. Whatever the type: "" for an optional date means no date, not a malformed one.
      if (raw === '') {
        checks.push(
          definition.required
            ? {
                name,
                ok: false,
                code: 'empty_value',
                message: `${name} is required and empty; Genesys removes an attribute set to ""`,
              }
            : {
                name,
                ok: true,
                message: `${name} is empty, so it is left out: Genesys removes an attribute set to ""`,
              },
        );
        continue;
      }
      const result = serialiseAttribute(definition, raw);
      if (result.ok) {
        serialised[name] = result.value;
        checks.push({ name, ok: true });
      } else {
        checks.push({ name, ok: false, code: result.code, message: result.message });
      }
    }
    for (const definition of this.registry.definitions) {
      if (definition.required && !Object.hasOwn(candidate, definition.name)) {
        checks.push({
          name: definition.name,
          ok: false,
          code: 'missing_required',
          message: missingMessage(definition),
        });
      }
    }
    return { checks, serialised, valid: checks.every((check) => check.ok) };
  }

  private sizeWithSignature(serialised: Record<string, string>, userId: string): number {
    const { token } = this.signer.sign(serialised, userId, new Date(this.clock.now()));
    return customDataBytes(this.withSignature(serialised, token));
  }

  /** The map Messenger sends: the attributes plus the signature. */
  private withSignature(serialised: Record<string, string>, token: string): Record<string, string> {
    return { ...serialised, [this.signer.signatureName]: token };
  }
}
