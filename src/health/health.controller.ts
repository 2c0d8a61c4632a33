import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ErrorBodyDto } from '../errors/error-body.dto';
import { HealthReportDto } from './dto/health-report.dto';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthCheckService) {}

  /** Liveness: the process is up and answering. Checks nothing else, so a slow dependency never restarts it. */
  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthReportDto, description: 'The process is up.' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: every dependency the service needs to answer requests is available. */
  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every dependency is up or degraded.' })
  @ApiServiceUnavailableResponse({ type: ErrorBodyDto, description: 'A dependency is down; `details` names it.' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }
}
