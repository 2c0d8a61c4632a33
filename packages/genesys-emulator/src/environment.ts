import { Type, plainToInstance } from 'class-transformer';
import { IsInt, Max, Min, validateSync } from 'class-validator';

/** The emulator's variables do not satisfy EmulatorEnvironment; the message names each, never a value. */
export class EmulatorConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'EmulatorConfigurationError';
  }
}

/** Reads a class-validator class from the environment; empty variables count as unset. */
export function readEnvironment<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv): T {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const instance = plainToInstance(schema, present, { exposeDefaultValues: true });
  const problems = validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
  if (problems.length > 0) throw new EmulatorConfigurationError(problems);
  return instance;
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
