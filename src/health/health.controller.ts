import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { CallerKeysHealthIndicator } from '../auth/caller-keys.health';
import { CacheStoreHealthIndicator } from '../cache-store/cache-store.health';
import { ErrorBodyDto } from '../errors/error-body.dto';
import { errorExample } from '../errors/error-responses';
import { GenesysTokenHealthIndicator } from '../genesys/genesys.health';
import { HealthReportDto } from './dto/health-report.dto';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cacheStore: CacheStoreHealthIndicator,
    private readonly genesysToken: GenesysTokenHealthIndicator,
    private readonly callerKeys: CallerKeysHealthIndicator,
  ) {}

  /** Liveness: the process is up and answering. Checks nothing else, so a slow dependency never restarts it. */
  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthReportDto, description: 'The process is up.' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness: the cache store answers (degraded, still 200, when Redis is down and instances fall back to memory),
   * a Genesys Cloud token is held or can be obtained, and the keys for callers' JWTs (degraded when the JWKS fetch
   * failed or tokens name key ids it does not publish).
   */
  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every dependency is up or degraded.' })
  @ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    description: 'A dependency is down; `details` names it.',
    example: errorExample(503, 'service_unavailable', 'The service is not ready.', [
      { field: 'genesysToken', code: 'down', message: 'Genesys Cloud is unavailable: status 503' },
    ]),
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.cacheStore.check(),
      () => this.genesysToken.check(),
      () => this.callerKeys.check(),
    ]);
  }
}
