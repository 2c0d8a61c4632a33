import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional, IsUrl, Matches, MaxLength, ValidateBy } from 'class-validator';
import { IntegerVariable, readEnvironment } from '../config/environment';

const MAX_ATTRIBUTES_JSON = 2048;

/** A JSON object of string values (length checked first, then parsed). */
function isStringMapJson(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > MAX_ATTRIBUTES_JSON) return false;
  try {
    const parsed: unknown = JSON.parse(value);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((entry) => typeof entry === 'string')
    );
  } catch {
    return false;
  }
}

export class CanaryEnvironment {
  /** The canary's user id is this prefix and the run's id, so its conversations are easy to tell apart in Genesys. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'CANARY_USER_ID_PREFIX must be 1-40 letters, digits, "_" or "-"' })
  CANARY_USER_ID_PREFIX = 'canary';

  @IsOptional()
  @MaxLength(MAX_ATTRIBUTES_JSON, { message: `CANARY_ATTRIBUTES must be at most ${MAX_ATTRIBUTES_JSON} characters` })
  @ValidateBy(
    { name: 'isStringMapJson', validator: { validate: isStringMapJson } },
    { message: 'CANARY_ATTRIBUTES must be a JSON object of string values, e.g. {"userTier":"Gold"}' },
  )
  CANARY_ATTRIBUTES = '{"userTier":"Gold"}';

  @IsOptional()
  @IntegerVariable(1000, 300_000)
  CANARY_TIMEOUT_MS = 30_000;

  /** 0: no schedule inside the service (run `npm run canary` from cron or a CronJob instead). */
  @IsOptional()
  @IntegerVariable(0, 86_400)
  CANARY_INTERVAL_SECONDS = 0;

  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'CANARY_ORIGIN must be an http(s) origin such as https://shop.example.com' },
  )
  CANARY_ORIGIN?: string;
}

export const canaryConfig = registerAs('canary', () => {
  const env = readEnvironment(CanaryEnvironment);
  return {
    userIdPrefix: env.CANARY_USER_ID_PREFIX,
    attributes: JSON.parse(env.CANARY_ATTRIBUTES) as Record<string, string>,
    timeoutMs: env.CANARY_TIMEOUT_MS,
    intervalSeconds: env.CANARY_INTERVAL_SECONDS,
    origin: env.CANARY_ORIGIN,
  };
});

export type CanaryConfig = ConfigType<typeof canaryConfig>;
