import { Global, Module } from '@nestjs/common';
import { ServiceMetrics } from './service-metrics';

/**
 * The service's Prometheus series, global so that every feature records into the one registry; /metrics is
 * MetricsScrapeModule's (./scrape).
 */
@Global()
@Module({
  providers: [ServiceMetrics],
  exports: [ServiceMetrics],
})
export class MetricsModule {}
