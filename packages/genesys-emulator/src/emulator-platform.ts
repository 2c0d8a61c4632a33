import type { FastifyRequest } from 'fastify';
import type { ConversationAnalytics } from './analytics';
import type { Clock } from './clock';
import type { ConversationStore } from './conversation-store';
import type { EmulatorControl } from './emulator-control';
import type { FaultInjector } from './fault-injector';
import type { PerTokenRateLimiter } from './rate-limiter';
import type { TokenStore } from './token-store';
import type { WebMessaging } from './web-messaging';

/** The OAuth client the emulated org accepts. */
export interface EmulatedClient {
  clientId: string;
  clientSecret: string;
}

/** Requests a `hang` fault holds: released (their sockets destroyed) when the emulator closes. */
export class HeldRequests {
  private readonly held = new Set<{ timer: NodeJS.Timeout; request: FastifyRequest }>();

  hold(request: FastifyRequest, ms: number): void {
    const entry = {
      request,
      timer: setTimeout(() => {
        this.held.delete(entry);
        request.raw.socket.destroy();
      }, ms),
    };
    this.held.add(entry);
  }

  releaseAll(): void {
    for (const entry of this.held) {
      clearTimeout(entry.timer);
      entry.request.raw.socket.destroy();
    }
    this.held.clear();
  }
}

/** One emulated org: its state and the parts every route module works with. */
export interface EmulatedPlatform {
  readonly clock: Clock;
  readonly client: EmulatedClient;
  readonly deploymentId: string;
  readonly organizationId: string;
  readonly tokens: TokenStore;
  readonly limiter: PerTokenRateLimiter;
  readonly faults: FaultInjector;
  readonly store: ConversationStore;
  readonly analytics: ConversationAnalytics;
  readonly webMessaging: WebMessaging;
  readonly control: EmulatorControl;
  readonly held: HeldRequests;
}
