import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CLOCK, type Clock } from '../clock/clock';
import { withTimeout } from '../clock/with-timeout';
import { ApiError } from '../errors/api-error';
import { GenesysClient } from './genesys.client';
import { GenesysTokenService } from './genesys-token.service';

/** A probe answers within this; a slower token request goes on and serves the next probe. */
const PROBE_TIMEOUT_MS = 3000;
/** After a failed token request, probes report that failure for this long instead of asking again. */
const FAILURE_MEMORY_MS = 10_000;

/** `up` while a Genesys Cloud token is held or can be obtained; a probe never forces a new token request. */
@Injectable()
export class GenesysTokenHealthIndicator {
  private lastFailure: { at: number; message: string } | undefined;

  constructor(
    private readonly client: GenesysClient,
    private readonly tokens: GenesysTokenService,
    private readonly health: HealthIndicatorService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check('genesysToken');
    if (this.tokens.peek()) return indicator.up();
    if (this.lastFailure && this.clock.now() - this.lastFailure.at < FAILURE_MEMORY_MS) {
      return indicator.down({ message: this.lastFailure.message });
    }
    try {
      await withTimeout(this.client.accessToken(), PROBE_TIMEOUT_MS);
      this.lastFailure = undefined;
      return indicator.up();
    } catch (error) {
      const message =
        error instanceof ApiError
          ? error.message
          : 'no Genesys Cloud token yet (token request still running or failed)';
      this.lastFailure = { at: this.clock.now(), message };
      return indicator.down({ message });
    }
  }
}
