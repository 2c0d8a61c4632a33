import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { metricsConfig } from './metrics-scrape.config';
import { MetricsScrapeController } from './metrics-scrape.controller';

/** Prometheus's scrape target, /metrics, guarded by METRICS_TOKEN; the series themselves are the metrics module's. */
@Module({
  imports: [ConfigModule.forFeature(metricsConfig)],
  controllers: [MetricsScrapeController],
})
export class MetricsScrapeModule {}
