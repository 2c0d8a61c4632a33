import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ErrorBodyDto } from '../errors/error-body.dto';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthCheckService) {}

  /** Liveness: the process is up and answering. Checks nothing else, so a slow dependency never restarts it. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: every dependency the service needs to answer requests is available. */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'A dependency is not ready; `details` names it.' })
  @ApiOkResponse({ description: 'Every dependency is ready.' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }
}
