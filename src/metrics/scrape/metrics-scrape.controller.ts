import { Controller, Get, Headers, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Public } from '../../auth/auth.decorators';
import { appConfig, type AppConfig } from '../../config/app.config';
import { ApiError } from '../../errors/api-error';
import { metricsConfig, type MetricsConfig } from './metrics-scrape.config';
import { ServiceMetrics } from '../service-metrics';

const sameSecret = (given: string, expected: string) => {
  const left = Buffer.from(given);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Prometheus's scrape target. With METRICS_TOKEN, only a scrape bearing it; without, open outside
 * production and absent (404) in production, where series names and route templates are nobody
 * else's business.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsScrapeController {
  constructor(
    private readonly metrics: ServiceMetrics,
    @Inject(metricsConfig.KEY) private readonly config: MetricsConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const { token } = this.config;
    if (!token && this.app.production)
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'There is nothing at this path.');
    if (
      token &&
      !(
        typeof authorization === 'string' &&
        authorization.startsWith('Bearer ') &&
        sameSecret(authorization.slice(7), token)
      )
    ) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'unauthorized',
        'A scrape of /metrics needs METRICS_TOKEN as its bearer token.',
      );
    }
    await reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
