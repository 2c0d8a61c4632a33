import type { Clock } from './clock';
import {
  GENERATED_KINDS,
  GenerationError,
  MAX_GENERATED_CONVERSATIONS,
  addGeneratedConversation,
  byIssue,
  kindSequence,
  type ConversationRecipe,
  type GeneratedKind,
  type GenerationRequest,
} from './conversation-generator';
import type { ConversationStore } from './conversation-store';

export interface StreamRequest extends ConversationRecipe {
  /** New web messaging conversations per minute of the emulator's clock (1 to 10,000). */
  perMinute: number;
  /** The kinds in proportion: `{ intact: 9, tampered: 1 }` repeats nine intact and one tampered. */
  mix: GenerationRequest['mix'];
}

export interface StreamStatus {
  running: boolean;
  perMinute?: number;
  /** When the stream started (ISO 8601); its first conversation starts then. */
  since?: string;
  /** Conversations generated so far, per kind. */
  generated: Record<GeneratedKind, number>;
  /** Why the stream stopped by itself (no attribute set in force, the cap reached). */
  stoppedBecause?: string;
}

const noneGenerated = () =>
  Object.fromEntries(GENERATED_KINDS.map((kind) => [kind, 0])) as Record<GeneratedKind, number>;

/**
 * Conversations that keep arriving, as on a live platform: `perMinute` of them, one every
 * 60,000 / perMinute ms of the emulator's clock from the moment the stream starts, kinds in the
 * mix's proportions. They are made when the store is next read (catchUp), each with the start
 * time it was due at, so a test that moves the clock sees the conversations of the time it
 * moved over, and a run reads a platform that grew while it ran.
 */
export class ConversationStream {
  private active?: { request: StreamRequest; kinds: GeneratedKind[]; since: number; made: number };
  private generated = noneGenerated();
  private stoppedBecause?: string;

  constructor(
    private readonly store: ConversationStore,
    private readonly clock: Clock,
    private readonly deploymentId: string,
  ) {
    store.beforeRead(() => this.catchUp());
  }

  start(request: StreamRequest): StreamStatus {
    const kinds = kindSequence(request.mix);
    if (!Number.isInteger(request.perMinute) || request.perMinute < 1 || request.perMinute > 10_000) {
      throw new GenerationError('perMinute must be a whole number from 1 to 10000');
    }
    if (kinds.length === 0) throw new GenerationError('the mix must hold at least one conversation');
    // Sorted once: catching up places one conversation at a time.
    this.active = {
      request: { ...request, attributeSets: byIssue(request.attributeSets) },
      kinds,
      since: this.clock.now(),
      made: 0,
    };
    this.generated = noneGenerated();
    this.stoppedBecause = undefined;
    return this.status();
  }

  stop(): StreamStatus {
    this.catchUp();
    this.active = undefined;
    return this.status();
  }

  status(): StreamStatus {
    this.catchUp();
    const active = this.active;
    return {
      running: active !== undefined,
      ...(active ? { perMinute: active.request.perMinute, since: new Date(active.since).toISOString() } : {}),
      generated: { ...this.generated },
      ...(this.stoppedBecause ? { stoppedBecause: this.stoppedBecause } : {}),
    };
  }

  /** Makes every conversation due by now that is not made yet. */
  private catchUp(): void {
    const active = this.active;
    if (!active) return;
    const intervalMs = 60_000 / active.request.perMinute;
    const due = Math.floor((this.clock.now() - active.since) / intervalMs) + 1;
    // Cleared first: the store read inside a conversation's creation must not catch up again.
    this.active = undefined;
    try {
      for (; active.made < due; active.made += 1) {
        if (active.made >= MAX_GENERATED_CONVERSATIONS) {
          this.stoppedBecause = `${MAX_GENERATED_CONVERSATIONS} conversations made, the most one stream makes`;
          return;
        }
        const kind = active.kinds[active.made % active.kinds.length];
        const startTime = Math.floor(active.since + active.made * intervalMs);
        addGeneratedConversation(this.store, this.deploymentId, active.request, kind, startTime);
        this.generated[kind] += 1;
      }
      this.active = active;
    } catch (error) {
      if (!(error instanceof GenerationError)) throw error;
      this.stoppedBecause = error.message;
    }
  }
}
