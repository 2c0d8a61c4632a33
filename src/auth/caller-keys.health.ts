import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CALLER_KEYS, type CallerKeys } from './caller-keys';
import { UNKNOWN_KIDS_WORTH_A_WARNING } from './jwks-key-provider';

/**
 * `up` with JWT_SECRET, or with a JWKS whose last fetch succeeded; `degraded` (still ready: known
 * keys keep verifying) when the last fetch failed or tokens are naming key ids the JWKS does not
 * publish, a flood of made-up ones or an identity provider ahead of us.
 */
@Injectable()
export class CallerKeysHealthIndicator {
  constructor(
    @Inject(CALLER_KEYS) private readonly keys: CallerKeys,
    private readonly health: HealthIndicatorService,
  ) {}

  check(): HealthIndicatorResult {
    const indicator = this.health.check('callerKeys');
    if (this.keys.source === 'secret') return indicator.up({ source: 'secret' });
    const { keys, fetchedAt, lastFetchError, unknownKeyIdsLastMinute } = this.keys.condition();
    const details = {
      source: 'jwks',
      keys,
      ...(fetchedAt === undefined ? {} : { fetchedAt: new Date(fetchedAt).toISOString() }),
      unknownKeyIdsLastMinute,
    };
    if (lastFetchError)
      return indicator.degraded({
        ...details,
        message: `JWKS fetch failed (${lastFetchError}); known keys keep verifying, new ones are refused`,
      });
    if (unknownKeyIdsLastMinute >= UNKNOWN_KIDS_WORTH_A_WARNING) {
      return indicator.degraded({
        ...details,
        message: `${unknownKeyIdsLastMinute} tokens named key ids the JWKS does not publish in the last minute`,
      });
    }
    return indicator.up(details);
  }
}
