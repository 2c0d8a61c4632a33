import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CanaryModule } from './canary/canary.module';
import { CacheStoreModule } from './cache-store/cache-store.module';
import { ClockModule } from './clock/clock.module';
import { appConfig } from './config/app.config';
import { GlobalExceptionFilter } from './errors/global-exception.filter';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsScrapeModule } from './metrics/scrape/metrics-scrape.module';
import { RequestValidationPipe } from './request-body/request-validation.pipe';
import { VerificationModule } from './verification/verification.module';
import { WidgetConfigModule } from './widget-config/widget-config.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig] }),
    ClockModule,
    MetricsModule,
    LoggingModule,
    CacheStoreModule,
    AuthModule,
    HealthModule,
    MetricsScrapeModule,
    WidgetConfigModule,
    VerificationModule,
    AuditModule,
    CanaryModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: GlobalExceptionFilter },
    { provide: APP_PIPE, useClass: RequestValidationPipe },
  ],
})
export class AppModule {}
