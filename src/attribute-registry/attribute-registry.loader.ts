import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../config/environment';
import { validationProblems } from '../config/validation-problems';
import {
  ATTRIBUTE_TYPES,
  DEFAULT_MAX_LENGTH,
  PII_CLASSES,
  TRUST_LEVELS,
  type AttributeDefinition,
  type AttributeRegistry,
  type RoutingTable,
} from './attribute-definition';

/** Keys Genesys participant data can hold and Architect expressions can name. */
const GENESYS_ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Names and sources that suggest a secret; such values must never travel through page JavaScript. */
const SECRET_LOOKING = /password|passwd|secret|token|cvv|cvc|ssn|card|iban|pin$/i;
const CLAIM_PATH = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;

class DefinitionFile {
  @IsString() name!: string;
  @IsString() description!: string;
  @IsIn(ATTRIBUTE_TYPES) type!: (typeof ATTRIBUTE_TYPES)[number];
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsString({ each: true }) values?: string[];
  @IsString() source!: string;
  @IsOptional() @IsBoolean() required?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(1024) maxLength?: number;
  @IsOptional() @IsString() pattern?: string;
  @IsIn(PII_CLASSES) pii!: (typeof PII_CLASSES)[number];
  @IsOptional() @IsIn(TRUST_LEVELS) trust?: (typeof TRUST_LEVELS)[number];
}

class RoutingRuleFile {
  @IsString() attribute!: string;
  @IsString() equals!: string;
  @IsString() queueId!: string;
}

class RoutingFile {
  @IsString() defaultQueueId!: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => RoutingRuleFile) rules?: RoutingRuleFile[];
}

class RegistryFile {
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => DefinitionFile) attributes!: DefinitionFile[];
  @ValidateNested() @Type(() => RoutingFile) routing!: RoutingFile;
  @IsOptional() @IsArray() @IsString({ each: true }) retired?: string[];
}

/** The registry file is wrong; each problem names the file, the definition and what is wrong. */
export class AttributeRegistryError extends ConfigurationError {
  constructor(file: string, problems: readonly string[]) {
    super(problems.map((problem) => `${file}: ${problem}`));
    this.name = 'AttributeRegistryError';
  }
}

/** `attributes[3].colour: ...` becomes `attributes[3] (tier).colour: ...`, naming the definition. */
function nameDefinitions(problems: string[], plain: unknown): string[] {
  const attributes = (plain as { attributes?: unknown } | null)?.attributes;
  return problems.map((problem) =>
    problem.replace(/^attributes\[(\d+)\]/, (prefix, index: string) => {
      const name = Array.isArray(attributes)
        ? (attributes[Number(index)] as { name?: unknown } | null)?.name
        : undefined;
      return typeof name === 'string' ? `${prefix} (${name})` : prefix;
    }),
  );
}

/**
 * A definition as the file gives it, each field kept only when it has the type the shape check wants: the rules below
 * judge what they can.
 */
interface LooseDefinition {
  name?: string;
  source?: string;
  type?: string;
  hasValues: boolean;
  pattern?: string;
  required: boolean;
  trust?: string;
}

const textOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function loosely(value: unknown): LooseDefinition {
  const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    name: textOrUndefined(entry.name),
    source: textOrUndefined(entry.source),
    type: textOrUndefined(entry.type),
    hasValues: entry.values !== undefined,
    pattern: textOrUndefined(entry.pattern),
    required: entry.required === true,
    trust: textOrUndefined(entry.trust),
  };
}

/**
 * The rules across fields and definitions. They run beside the shape check, on whatever fields
 * have the right type, so that one start-up names every problem of the file (a wrong type in one
 * definition does not hide a duplicate name in another).
 */
function semanticProblems(plain: unknown, reservedNames: readonly string[]): string[] {
  const file = (typeof plain === 'object' && plain !== null ? plain : {}) as {
    attributes?: unknown;
    routing?: { rules?: unknown };
    retired?: unknown;
  };
  const definitions = Array.isArray(file.attributes) ? file.attributes.map(loosely) : [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  definitions.forEach((definition, index) => {
    const at = `attributes[${index}]${definition.name === undefined ? '' : ` (${definition.name})`}`;
    if (definition.name !== undefined) {
      if (!GENESYS_ATTRIBUTE_NAME.test(definition.name)) {
        problems.push(
          `${at}: name must start with a letter and hold only letters, digits, ".", "_" or "-" (at most 64)`,
        );
      }
      const folded = definition.name.toLowerCase();
      const earlier = seen.get(folded);
      if (earlier === definition.name) problems.push(`${at}: duplicate name`);
      else if (earlier !== undefined) problems.push(`${at}: "${definition.name}" and "${earlier}" differ only in case`);
      seen.set(folded, definition.name);
      if (reservedNames.some((reserved) => reserved.toLowerCase() === folded))
        problems.push(`${at}: the name is reserved for the attribute signature`);
    }
    if (
      (definition.name !== undefined && SECRET_LOOKING.test(definition.name)) ||
      (definition.source !== undefined && SECRET_LOOKING.test(definition.source))
    ) {
      problems.push(`${at}: name or source looks like a secret; secrets must never become custom attributes`);
    }
    if (definition.source !== undefined && definition.source !== 'request' && !CLAIM_PATH.test(definition.source)) {
      problems.push(`${at}: source must be "request" or a claim path such as sub or profile.tier`);
    }
    if (definition.type === 'enum' && !definition.hasValues) problems.push(`${at}: an enum needs values`);
    if (definition.type !== undefined && definition.type !== 'enum' && definition.hasValues)
      problems.push(`${at}: values are only for type enum`);
    if (definition.pattern !== undefined) {
      try {
        new RegExp(definition.pattern);
      } catch {
        problems.push(`${at}: pattern is not a valid regular expression`);
      }
    }
  });
  const retired: unknown[] = Array.isArray(file.retired) ? file.retired : [];
  retired.forEach((name, index) => {
    if (typeof name !== 'string') return;
    const at = `retired[${index}] (${name})`;
    if (!GENESYS_ATTRIBUTE_NAME.test(name))
      problems.push(`${at}: not an attribute name (a letter, then letters, digits, ".", "_" or "-"; at most 64)`);
    if (seen.has(name.toLowerCase()))
      problems.push(`${at}: still an attribute; retire a name only once it has left attributes`);
    if (reservedNames.some((reserved) => reserved.toLowerCase() === name.toLowerCase()))
      problems.push(`${at}: the name is reserved for the attribute signature`);
    if (retired.indexOf(name) !== index) problems.push(`${at}: listed twice`);
  });
  const identities = definitions.filter((definition) => definition.source === 'sub');
  // With a source of the wrong type somewhere, "none" could be wrong: the shape check has named that one.
  const everySourceRead = definitions.every((definition) => definition.source !== undefined);
  if (identities.length > 1 || (identities.length === 0 && everySourceRead && definitions.length > 0)) {
    problems.push(
      `exactly one attribute must have source sub (the visitor's identity, which signatures bind); found ${identities.length === 0 ? 'none' : identities.map((definition) => definition.name).join(', ')}`,
    );
  } else if (identities.length === 1 && !identities[0].required) {
    problems.push(`attributes (${identities[0].name}): the identity attribute (source sub) must be required`);
  } else if (identities.length === 1 && (identities[0].trust ?? 'signed') !== 'signed') {
    problems.push(
      `attributes (${identities[0].name}): the identity attribute (source sub) is trusted only when signed; trust must be signed`,
    );
  }
  const rules: unknown[] = Array.isArray(file.routing?.rules) ? file.routing.rules : [];
  const values = new Map<string, unknown>(
    (Array.isArray(file.attributes) ? (file.attributes as unknown[]) : []).map((entry, index) => [
      definitions[index].name ?? '',
      (entry as { values?: unknown } | null)?.values,
    ]),
  );
  rules.forEach((value, index) => {
    const rule = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const attribute = textOrUndefined(rule.attribute);
    const equals = textOrUndefined(rule.equals);
    if (attribute === undefined) return;
    const at = `routing.rules[${index}]`;
    const definition = definitions.find((candidate) => candidate.name === attribute);
    const allowed = values.get(attribute);
    if (!definition) problems.push(`${at}: names undefined attribute "${attribute}"`);
    else if (
      definition.type === 'enum' &&
      Array.isArray(allowed) &&
      equals !== undefined &&
      !allowed.includes(equals)
    ) {
      problems.push(`${at}: "${equals}" is not a value of ${attribute} (${allowed.join(', ')})`);
    }
  });
  return problems;
}

function toDefinition(file: DefinitionFile): AttributeDefinition {
  return {
    name: file.name,
    description: file.description,
    type: file.type,
    values: file.values,
    source: file.source === 'request' ? 'request' : { claimPath: file.source.split('.') },
    required: file.required ?? false,
    maxLength: file.maxLength ?? DEFAULT_MAX_LENGTH,
    pattern: file.pattern === undefined ? undefined : new RegExp(file.pattern),
    pii: file.pii,
    trust: file.trust ?? 'signed',
  };
}

/** Reads and validates the registry file; throws AttributeRegistryError listing every problem. */
export function loadAttributeRegistry(file: string, reservedNames: readonly string[] = []): AttributeRegistry {
  let plain: unknown;
  try {
    plain = load(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AttributeRegistryError(file, [`cannot be read as YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = plainToInstance(RegistryFile, plain ?? {});
  const shapeProblems = nameDefinitions(
    validationProblems(
      validateSync(parsed, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
    ).map(({ path, message }) => `${path}: ${message}`),
    plain,
  );
  const problems = [...shapeProblems, ...semanticProblems(plain, reservedNames)];
  if (problems.length > 0) throw new AttributeRegistryError(file, problems);

  const definitions = parsed.attributes.map(toDefinition);
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const routing: RoutingTable = { defaultQueueId: parsed.routing.defaultQueueId, rules: parsed.routing.rules ?? [] };
  // semanticProblems has made sure there is exactly one.
  const identity = definitions[parsed.attributes.findIndex((definition) => definition.source === 'sub')];
  const covered = new Set([...byName.keys(), ...(parsed.retired ?? [])]);
  return { definitions, identity, routing, find: (name) => byName.get(name), covers: (name) => covered.has(name) };
}
