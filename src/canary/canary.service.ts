import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { CLOCK, type Clock } from '../clock/clock';
import { ApiError } from '../errors/api-error';
import { genesysConfig, type GenesysConfig } from '../genesys/genesys.config';
import type { VerificationReportDto } from '../verification/dto/verification-report.dto';
import { VerificationService } from '../verification/verification.service';
import { ServiceMetrics } from '../metrics/service-metrics';
import { WidgetConfigService } from '../widget-config/widget-config.service';
import { canaryConfig, type CanaryConfig } from './canary.config';
import { GuestSession, GuestSessionError } from './guest-session';

/** How long after the message its details may take to be found, between lookups. */
const LOOKUP_PAUSE_MS = 500;

export interface CanaryResult {
  /** The attributes arrived intact and in time: the report says `verified`. */
  ok: boolean;
  canaryId: string;
  /** The report's status, or what failed before there was one: `session_failed`, `not_found`. */
  status: VerificationReportDto['status'] | 'session_failed' | 'not_found';
  conversationId?: string;
  messageId?: string;
  problem?: string;
  hint?: string;
  /** Milliseconds per step, and in all. */
  timings: { issueMs: number; sessionMs: number; sendMs: number; verifyMs: number; totalMs: number };
}

/**
 * A synthetic customer: issues a signed attribute set for a canary identity, opens a Guest API
 * session to the region's Web Messaging host as a browser would, sends a first message carrying
 * the set, finds the conversation and verifies it. `ok` only when the report says `verified`, so
 * a Messenger configuration change or a platform change that stops attributes arriving shows here
 * before customers notice. Run by `npm run canary`, or every CANARY_INTERVAL_SECONDS in the service.
 */
@Injectable()
export class CanaryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CanaryService.name);
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly widgetConfig: WidgetConfigService,
    private readonly verification: VerificationService,
    @Inject(genesysConfig.KEY) private readonly genesys: GenesysConfig,
    @Inject(canaryConfig.KEY) private readonly config: CanaryConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.intervalSeconds === 0) return;
    this.timer = setInterval(() => void this.scheduledRun(), this.config.intervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One run; counted as ok, broken or not_checked (an error, the report could not be had). */
  async run(): Promise<CanaryResult> {
    let result: CanaryResult;
    try {
      result = await this.attempt();
    } catch (error) {
      this.metrics.canaryRuns.inc({ result: 'not_checked' });
      throw error;
    }
    this.metrics.canaryRuns.inc({ result: result.ok ? 'ok' : 'broken' });
    this.metrics.canaryDuration.set(result.timings.totalMs / 1000);
    return result;
  }

  private async attempt(): Promise<CanaryResult> {
    const canaryId = randomBytes(4).toString('hex');
    const started = this.clock.now();
    const timings = { issueMs: 0, sessionMs: 0, sendMs: 0, verifyMs: 0, totalMs: 0 };
    const lap = (step: keyof typeof timings, since: number) => (timings[step] = this.clock.now() - since);
    const result = (outcome: Omit<CanaryResult, 'canaryId' | 'timings' | 'ok'>): CanaryResult => {
      timings.totalMs = this.clock.now() - started;
      return { ok: outcome.status === 'verified', canaryId, ...outcome, timings };
    };
    const deploymentId = this.genesys.deploymentId;
    if (!deploymentId)
      throw new ApiError(
        500,
        'canary_not_configured',
        'GENESYS_DEPLOYMENT_ID must be set: the canary opens a session on that Messenger deployment.',
      );

    let step = this.clock.now();
    const issued = await this.widgetConfig.configForService({
      userId: `${this.config.userIdPrefix}-${canaryId}`,
      attributes: { ...this.config.attributes },
    });
    lap('issueMs', step);

    step = this.clock.now();
    let session: GuestSession;
    try {
      session = await GuestSession.open(
        {
          url: `${this.genesys.webMessagingUrl}/v1?deploymentId=${encodeURIComponent(deploymentId)}`,
          deploymentId,
          origin: this.config.origin,
          timeoutMs: this.config.timeoutMs,
        },
        randomUUID(),
      );
    } catch (error) {
      lap('sessionMs', step);
      return result({ status: 'session_failed', problem: (error as Error).message });
    }
    lap('sessionMs', step);

    let messageId: string;
    step = this.clock.now();
    try {
      ({ messageId } = await this.sendWithin(
        session,
        `wm-attribute-gateway canary ${canaryId}`,
        issued.guestAttributes,
        step + this.config.timeoutMs,
      ));
    } catch (error) {
      lap('sendMs', step);
      return result({ status: 'session_failed', problem: (error as Error).message });
    } finally {
      session.close();
    }
    lap('sendMs', step);

    step = this.clock.now();
    const report = await this.reportOf(messageId, step + this.config.timeoutMs);
    lap('verifyMs', step);
    if (!report)
      return result({
        status: 'not_found',
        messageId,
        problem: `Genesys Cloud did not know the message within ${this.config.timeoutMs} ms`,
      });
    return result({
      status: report.status,
      messageId,
      conversationId: report.conversationId,
      ...(report.hint ? { hint: report.hint } : {}),
    });
  }

  /**
   * Sends the first message; a rate refusal (4029) whose retryAfter ends before the deadline is
   * waited out and the message sent again, attributes included, as Messenger resends them after a
   * failed send. Anything else, or a wait past the deadline, fails the step.
   */
  private async sendWithin(
    session: GuestSession,
    text: string,
    attributes: Readonly<Record<string, string>>,
    deadline: number,
  ): Promise<{ messageId: string }> {
    try {
      return await session.sendText(text, attributes);
    } catch (error) {
      const retryAfterMs =
        error instanceof GuestSessionError && error.refusal?.retryAfterSeconds !== undefined
          ? error.refusal.retryAfterSeconds * 1000
          : undefined;
      if (retryAfterMs === undefined || this.clock.now() + retryAfterMs >= deadline) throw error;
      await this.clock.sleep(retryAfterMs);
      return session.sendText(text, attributes);
    }
  }

  /** The message's conversation may take a moment to be found: looked up again until the deadline. */
  private async reportOf(messageId: string, deadline: number): Promise<VerificationReportDto | undefined> {
    for (;;) {
      try {
        return await this.verification.verifyMessage(messageId);
      } catch (error) {
        const notYet = error instanceof ApiError && error.code === 'message_not_found';
        if (!notYet || this.clock.now() + LOOKUP_PAUSE_MS > deadline) {
          if (notYet) return undefined;
          throw error;
        }
        await this.clock.sleep(LOOKUP_PAUSE_MS);
      }
    }
  }

  private async scheduledRun(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const outcome = await this.run();
      const line = `canary ${outcome.canaryId}: ${outcome.ok ? 'ok' : 'broken'} (${outcome.status}) in ${outcome.timings.totalMs} ms`;
      if (outcome.ok) this.logger.log(line);
      else
        this.logger.warn(
          `${line}${outcome.problem ? `: ${outcome.problem}` : ''}${outcome.hint ? ` ${outcome.hint}` : ''}`,
        );
    } catch (error) {
      this.logger.warn(
        `canary not checked: ${error instanceof HttpException || error instanceof GuestSessionError ? error.message : String(error)}`,
      );
    } finally {
      this.running = false;
    }
  }
}
