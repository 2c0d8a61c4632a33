import { plainToInstance } from 'class-transformer';
import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy, getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { validationProblems } from './validation-problems';

export type EnvironmentSchema<T extends object> = new () => T;

/**
 * Thrown when environment variables do not satisfy a config slice. The message names each
 * offending variable and what it expects; it never carries a value, so secrets stay out of
 * start-up output.
 */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Empty variables (`FOO=`) mean "not set", as in most twelve-factor tooling. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  return present;
}

/** Messages name their variable; one that does not (a custom message) gets the name in front. */
function describeProblems(errors: ValidationError[]): string[] {
  return validationProblems(errors).map(({ path, message }) =>
    message.startsWith(path) ? message : `${path}: ${message}`,
  );
}

function parse<T extends object>(schema: EnvironmentSchema<T>, env: NodeJS.ProcessEnv) {
  const instance = plainToInstance(schema, withoutEmptyValues(env), { exposeDefaultValues: true });
  const problems = describeProblems(validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true }));
  return { instance, problems };
}

let overrides: Readonly<Record<string, string>> = {};
let defaults: Readonly<Record<string, string>> = {};

/**
 * What an entry point chooses for variables the environment leaves unset or blank: the production
 * entry point's NODE_ENV=production (development only ever behind `npm start`), the development
 * one's loopback HOST. Set before anything reads the configuration; replaced, not merged.
 */
export function useConfigurationDefaults(values: Readonly<Record<string, string>>): void {
  defaults = { ...values };
}

/**
 * Values that take precedence over the process environment for every config slice: what an
 * entry point decides for itself (the development launcher's sandbox coordinates, a generated
 * development JWT secret) reaches the configuration this way, and never by writing to
 * process.env. Set by the entry point before the application is created; replaced, not merged.
 */
export function useConfigurationOverrides(values: Readonly<Record<string, string>>): void {
  overrides = { ...values };
}

/**
 * The variables configuration is read from: the entry point's defaults, under the process environment, under the
 * overrides.
 */
export function configurationSource(): NodeJS.ProcessEnv {
  if (Object.keys(overrides).length === 0 && Object.keys(defaults).length === 0) return process.env;
  const source: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(defaults)) if (!source[name]?.trim()) source[name] = value;
  return { ...source, ...overrides };
}

/** Reads one config slice from the environment, or throws a ConfigurationError. */
export function readEnvironment<T extends object>(
  schema: EnvironmentSchema<T>,
  env: NodeJS.ProcessEnv = configurationSource(),
): T {
  const { instance, problems } = parse(schema, env);
  if (problems.length > 0) throw new ConfigurationError(problems);
  return instance;
}

/** Checks every slice at once, so that one start-up attempt reports every bad variable. */
export function assertValidEnvironment(
  schemas: readonly EnvironmentSchema<object>[],
  env: NodeJS.ProcessEnv = configurationSource(),
): void {
  const problems = schemas.flatMap((schema) => parse(schema, env).problems);
  if (problems.length > 0) throw new ConfigurationError(problems);
}

/** The variable names a slice reads (its validated properties). */
export function variableNames(schema: EnvironmentSchema<object>): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))];
}

/** A whole-number variable from `min` (to `max`), with one message naming it for every way it can be wrong. */
export function IntegerVariable(min: number, max?: number): PropertyDecorator {
  return (target, property) => {
    const message = `${String(property)} must be a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`;
    Type(() => Number)(target, property);
    IsInt({ message })(target, property);
    Min(min, { message })(target, property);
    if (max !== undefined) Max(max, { message })(target, property);
  };
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration written as a whole number and a unit (`30s`, `10m`, `1h`); undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  // Length first: the pattern below only ever sees a few characters.
  if (text.length > 8) return undefined;
  const match = /^([1-9][0-9]{0,5})([smh])$/.exec(text);
  return match ? Number(match[1]) * DURATION_UNITS_MS[match[2]] : undefined;
}

/** `off`, or a duration (see durationMs) from `minMs` to `maxMs`. */
export function DurationOrOffVariable(minMs: number, maxMs: number, example: string): PropertyDecorator {
  return (target, property) => {
    const message = `${String(property)} must be off or a duration like ${example} (s, m or h) from ${minMs / 1000} s to ${maxMs / 3_600_000} h`;
    ValidateBy(
      {
        name: 'durationOrOff',
        validator: {
          validate: (value: unknown) => {
            if (value === 'off') return true;
            const ms = typeof value === 'string' ? durationMs(value) : undefined;
            return ms !== undefined && ms >= minMs && ms <= maxMs;
          },
          defaultMessage: () => message,
        },
      },
      { message },
    )(target, property);
  };
}
