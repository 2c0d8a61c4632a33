import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isAxiosError, type AxiosResponse } from 'axios';
import { firstValueFrom } from 'rxjs';
import { CLOCK, type Clock } from '../clock/clock';
import {
  readAvailability,
  readDetailsJobPage,
  readDetailsJobStatus,
  readSubmittedJob,
  type DetailsJobPage,
  type DetailsJobStatus,
} from './analytics-response';
import { readConversation } from './conversation-response';
import { readMessageDetails, type GenesysMessageDetails } from './message-response';
import type { GenesysConversation } from './genesys-models';
import { GenesysRateLimiter } from './genesys-rate-limiter';
import { ServiceMetrics } from '../metrics/service-metrics';
import { GenesysTokenService, type IssuedToken } from './genesys-token.service';
import { genesysConfig, type GenesysConfig } from './genesys.config';
import { planRetryOfNetworkError, planRetryOfResponse, retryFits, type RetryPlan } from './retry-plan';
import { UpstreamErrors } from './upstream-errors';

/** Bounds on what is read before parsing: a conversation is kilobytes, a token answer a few hundred bytes. */
const MAX_API_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** A page of job results: up to 1000 conversations, each a few kilobytes of participants, sessions and attributes. */
const MAX_JOB_RESULTS_BYTES = 32 * 1024 * 1024;
const ANALYTICS_JOBS = '/api/v2/analytics/conversations/details/jobs';
/** Token lifetimes an OAuth client can have in Genesys Cloud (API notes: 300 to 172800 s). */
const LONGEST_TOKEN_LIFETIME_SECONDS = 172_800;

interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Template of the path, for logs (ids stay out of them). */
  route: string;
  /** Platform API calls count toward the per-token rate limit; the token request does not. */
  rateLimited: boolean;
  maxResponseBytes: number;
  headers?: Record<string, string>;
  data?: string;
}

/**
 * The service's way to the Genesys Cloud Platform API (conversations, analytics jobs, the OAuth
 * token): nothing else in the service sees axios. Two upstream connections are not its: the
 * canary's Web Messaging Guest API WebSocket (canary/guest-session.ts, a visitor's connection,
 * with its own timeouts) and the JWKS fetch of our callers' keys (auth/jwks-key-provider.ts,
 * not Genesys). Each call has a timeout, waits for the client-side rate limiter, and
 * is retried only here: 401 once with a new token; 429 after Retry-After; 502/503/504 and
 * connection errors with jittered backoff; all within GENESYS_MAX_RETRIES and GENESYS_RETRY_BUDGET_MS.
 */
@Injectable()
export class GenesysClient {
  private readonly logger = new Logger(GenesysClient.name);

  constructor(
    private readonly http: HttpService,
    private readonly tokens: GenesysTokenService,
    private readonly limiter: GenesysRateLimiter,
    @Inject(genesysConfig.KEY) private readonly config: GenesysConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** The conversation, or null when Genesys Cloud does not know it. */
  async getConversation(conversationId: string): Promise<GenesysConversation | null> {
    const response = await this.callApi({
      method: 'GET',
      url: `${this.config.apiUrl}/api/v2/conversations/${encodeURIComponent(conversationId)}`,
      route: 'GET /api/v2/conversations/{conversationId}',
      rateLimited: true,
      maxResponseBytes: MAX_API_RESPONSE_BYTES,
    });
    return response.status === 404 ? null : readConversation(response.data);
  }

  /** Which conversation a web message belongs to; null when Genesys Cloud does not know it. */
  async getMessageDetails(messageId: string): Promise<GenesysMessageDetails | null> {
    const response = await this.callApi({
      method: 'GET',
      url: `${this.config.apiUrl}/api/v2/conversations/messages/${encodeURIComponent(messageId)}/details`,
      route: 'GET /api/v2/conversations/messages/{messageId}/details',
      rateLimited: true,
      maxResponseBytes: MAX_API_RESPONSE_BYTES,
    });
    return response.status === 404 ? null : readMessageDetails(response.data);
  }

  /** Submits an analytics conversation details job (`AsyncConversationQuery`); its id. */
  async submitDetailsJob(query: Readonly<Record<string, unknown>>): Promise<string> {
    const response = await this.callApi({
      ...this.analyticsRequest('POST', ANALYTICS_JOBS, `POST ${ANALYTICS_JOBS}`),
      headers: { 'content-type': 'application/json' },
      data: JSON.stringify(query),
    });
    return readSubmittedJob(this.found(response, 'POST details job'));
  }

  /** The job's state, or null when Genesys Cloud does not know it (gone after it expired). */
  async getDetailsJob(jobId: string): Promise<DetailsJobStatus | null> {
    const response = await this.callApi(
      this.analyticsRequest('GET', `${ANALYTICS_JOBS}/${encodeURIComponent(jobId)}`, `GET ${ANALYTICS_JOBS}/{jobId}`),
    );
    return response.status === 404 ? null : readDetailsJobStatus(this.found(response, 'GET details job'));
  }

  /** One page of a fulfilled job's results, from `cursor` on; null when the job is unknown. */
  async getDetailsJobResults(
    jobId: string,
    cursor: string | undefined,
    pageSize: number,
  ): Promise<DetailsJobPage | null> {
    const query = new URLSearchParams({ pageSize: String(pageSize), ...(cursor === undefined ? {} : { cursor }) });
    const response = await this.callApi({
      ...this.analyticsRequest(
        'GET',
        `${ANALYTICS_JOBS}/${encodeURIComponent(jobId)}/results?${query}`,
        `GET ${ANALYTICS_JOBS}/{jobId}/results`,
      ),
      maxResponseBytes: MAX_JOB_RESULTS_BYTES,
    });
    return response.status === 404 ? null : readDetailsJobPage(this.found(response, 'GET details job results'));
  }

  /** Cancels a job; one Genesys Cloud no longer knows is as good as cancelled. */
  async cancelDetailsJob(jobId: string): Promise<void> {
    await this.callApi(
      this.analyticsRequest(
        'DELETE',
        `${ANALYTICS_JOBS}/${encodeURIComponent(jobId)}`,
        `DELETE ${ANALYTICS_JOBS}/{jobId}`,
      ),
    );
  }

  /** The data-lake availability date: conversations after it are not in job results yet. */
  async getDetailsJobsAvailability(): Promise<string> {
    const response = await this.callApi(
      this.analyticsRequest('GET', `${ANALYTICS_JOBS}/availability`, `GET ${ANALYTICS_JOBS}/availability`),
    );
    return readAvailability(this.found(response, 'GET details jobs availability'));
  }

  private analyticsRequest(method: UpstreamRequest['method'], path: string, route: string): UpstreamRequest {
    return {
      method,
      url: `${this.config.apiUrl}${path}`,
      route,
      rateLimited: true,
      maxResponseBytes: MAX_API_RESPONSE_BYTES,
    };
  }

  /** A 2xx answer's body; a 404 where the resource must exist is Genesys refusing the request. */
  private found(response: AxiosResponse, what: string): unknown {
    if (response.status < 200 || response.status >= 300) {
      this.logger.warn(`${what}: status ${response.status}`);
      throw UpstreamErrors.rejected(response.status);
    }
    return response.data;
  }

  /** A valid token, from cache when possible; for readiness and start-up checks. */
  accessToken(): Promise<string> {
    return this.tokens.getToken(() => this.requestAccessToken());
  }

  private async callApi(request: UpstreamRequest): Promise<AxiosResponse> {
    let refusedToken: string | undefined;
    return this.withRetries(request, async () => {
      const token = await this.accessToken();
      const response = await this.send({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${token}` },
      });
      if (response.status !== 401) return response;
      if (refusedToken !== undefined) throw UpstreamErrors.authFailed('a freshly issued token was refused');
      // The token is gone (expired early, revoked, HIPAA idle timeout): drop it, get another, try once more.
      refusedToken = token;
      this.metrics.genesysRetries.inc({ route: request.route, cause: '401' });
      await this.tokens.invalidate(token);
      this.logger.warn(`${request.route}: token refused (401); retrying once with a new token`);
      return 'retry-now';
    });
  }

  private async requestAccessToken(): Promise<IssuedToken> {
    const { clientId, clientSecret, loginUrl } = this.config;
    const request: UpstreamRequest = {
      method: 'POST',
      url: `${loginUrl}/oauth/token`,
      route: 'POST /oauth/token',
      rateLimited: false,
      maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES,
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId ?? ''}:${clientSecret ?? ''}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      data: 'grant_type=client_credentials',
    };
    const response = await this.withRetries(request, () => this.send(request)).catch((error: unknown) => {
      this.metrics.tokenRequests.inc({ outcome: 'failed' });
      throw error;
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      this.metrics.tokenRequests.inc({ outcome: 'refused' });
      this.logger.error(`The token endpoint refused the client credentials (status ${response.status})`);
      throw UpstreamErrors.authFailed('the token endpoint refused GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET');
    }
    const body = response.data as { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    if (
      response.status !== 200 ||
      typeof body?.access_token !== 'string' ||
      String(body.token_type).toLowerCase() !== 'bearer' ||
      // A lifetime of 0 or less would send a token request before every API call.
      !Number.isInteger(body.expires_in) ||
      (body.expires_in as number) <= 0
    ) {
      this.metrics.tokenRequests.inc({ outcome: 'failed' });
      throw UpstreamErrors.unavailable(`unexpected answer from the token endpoint (status ${response.status})`);
    }
    this.metrics.tokenRequests.inc({ outcome: 'issued' });
    return {
      accessToken: body.access_token,
      expiresInSeconds: Math.min(body.expires_in as number, LONGEST_TOKEN_LIFETIME_SECONDS),
    };
  }

  /**
   * Runs `attempt` until it yields a final response. 404 and other 4xx are final (the caller
   * maps them); 403 becomes upstream_forbidden; 429 and 502/503/504 and network errors are retried.
   */
  private async withRetries(
    request: UpstreamRequest,
    attempt: () => Promise<AxiosResponse | 'retry-now'>,
  ): Promise<AxiosResponse> {
    const deadline = this.clock.now() + this.config.retryBudgetMs;
    for (let retries = 0; ;) {
      if (request.rateLimited) await this.waitForRateLimit(deadline);
      let retry: RetryPlan;
      let cause: string;
      try {
        const outcome = await attempt();
        if (outcome === 'retry-now') continue;
        const planned = planRetryOfResponse(outcome, retries, request.rateLimited, Math.random);
        if (!planned) return outcome;
        retry = planned;
        cause = outcome.status === 429 ? '429' : '5xx';
      } catch (error) {
        if (!isAxiosError(error)) throw error;
        cause = 'network';
        // Axios's code for an answer it could not read, the size bound included: asking again gets the same answer.
        if (error.code === 'ERR_BAD_RESPONSE')
          throw UpstreamErrors.invalidResponse(
            `${request.route} answered more than ${request.maxResponseBytes} bytes, or something unreadable`,
          );
        retry = planRetryOfNetworkError(error.code, retries, Math.random);
      }
      if (!retryFits(retries, this.config.maxRetries, this.clock.now(), retry.waitMs, deadline)) {
        this.logger.warn(`${request.route}: ${retry.reason}; beyond the retry budget, giving up`);
        throw retry.giveUp;
      }
      this.logger.warn(`${request.route}: ${retry.reason}; retrying in ${Math.round(retry.waitMs)} ms`);
      this.metrics.genesysRetries.inc({ route: request.route, cause });
      retries += 1;
      await this.clock.sleep(retry.waitMs);
    }
  }

  /** Waits for this request's turn under the client-side limit, or refuses at once when it comes after the deadline. */
  private waitForRateLimit(deadline: number): Promise<void> {
    return this.limiter.acquire(deadline - this.clock.now());
  }

  private async send(request: UpstreamRequest): Promise<AxiosResponse> {
    try {
      const response = await this.request(request);
      this.metrics.genesysRequests.inc({ route: request.route, status: String(response.status) });
      return response;
    } catch (error) {
      this.metrics.genesysRequests.inc({ route: request.route, status: '0' });
      throw error;
    }
  }

  private request(request: UpstreamRequest): Promise<AxiosResponse> {
    return firstValueFrom(
      this.http.request({
        method: request.method,
        url: request.url,
        headers: request.headers,
        data: request.data,
        timeout: this.config.httpTimeoutMs,
        // Statuses are decided above; only network failures and timeouts throw.
        validateStatus: () => true,
        // Genesys never redirects API calls; following one could send the bearer token elsewhere.
        maxRedirects: 0,
        maxContentLength: request.maxResponseBytes,
      }),
    );
  }
}
