import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional, MinLength } from 'class-validator';
import { readEnvironment } from '../../config/environment';

export class MetricsEnvironment {
  /**
   * Bearer token Prometheus sends for /metrics. Unset: /metrics is open outside production and off (404) in production.
   */
  @IsOptional()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;
}

export const metricsConfig = registerAs('metrics', () => {
  const env = readEnvironment(MetricsEnvironment);
  return { token: env.METRICS_TOKEN };
});

export type MetricsConfig = ConfigType<typeof metricsConfig>;
