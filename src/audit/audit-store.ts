import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SharedStateStore } from '../cache-store/shared-state.store';
import { CLOCK, type Clock } from '../clock/clock';
import type { Span } from './audit-plan';
import { emptySummary, type AuditSummary } from './audit-summary';
import { auditConfig, type AuditConfig } from './audit.config';

export const AUDIT_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type AuditState = (typeof AUDIT_STATES)[number];

export interface AuditRequest {
  start: number;
  end: number;
  queueIds: string[];
  /**
   * Only this visitor's conversations (by the identity attribute that arrived); Genesys cannot filter on participant
   * data, the audit does.
   */
  userId?: string;
}

/** Where a running audit is: enough to resume it on any instance from its last page. */
export interface AuditProgress {
  /** Planned once the availability date is known. */
  windows: Span[];
  windowIndex: number;
  jobId?: string;
  genesysJobState?: string;
  /** The cursor of the next page of the current job; undefined before the first page. */
  cursor?: string;
  pagesRead: number;
  /** Conversation GETs spent on what job data could not settle. */
  lookups: number;
}

export interface AuditRecord {
  id: string;
  createdAt: string;
  requestedBy: string;
  request: AuditRequest;
  startedAt?: string;
  finishedAt?: string;
  coverage?: { dataAvailabilityDate: string; audited?: Span; notYetAvailable?: Span };
  progress: AuditProgress;
  summary: AuditSummary;
  failure?: { code: string; message: string };
  /** How many times an instance started on it: more than one means it was resumed. */
  runs: number;
}

/** A new audit of `request`, queued: nothing planned, nothing counted. */
export const newAuditRecord = (createdAt: string, requestedBy: string, request: AuditRequest): AuditRecord => ({
  id: randomUUID(),
  createdAt,
  requestedBy,
  request,
  progress: { windows: [], windowIndex: 0, pagesRead: 0, lookups: 0 },
  summary: emptySummary(),
  runs: 0,
});

export interface StoredAudit {
  record: AuditRecord;
  state: AuditState;
  /** When it was cancelled, done or failed. */
  endedAt?: string;
}

/** Without Redis, more audits than this are not queued at once. */
export class AuditCapacityError extends Error {}

/** In memory (no Redis) at most this many audits are kept; the oldest ended ones go first. */
const MEMORY_AUDITS = 50;

/** Refuses (0) unless the audit is running and ARGV[3] is its newest run (see claim). KEYS[1]: state. */
const WHILE_NEWEST_RUN = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
if tonumber(ARGV[3]) < tonumber(redis.call('HGET', KEYS[1], 'run') or '0') then return 0 end`;

/**
 * Stores a checkpoint only while the audit is running and only from its newest run: a
 * cancellation in between wins, and so does a later run. KEYS: state, record, results.
 */
const CHECKPOINT = `${WHILE_NEWEST_RUN}
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
for i = 4, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1`;

/**
 * Moves a queued or running audit to running and numbers the run (ARGV[1]: at, ARGV[2]: retention); answers the
 * number, or false when the audit is unknown or ended. KEYS: state.
 */
const CLAIM = `
local current = redis.call('HGET', KEYS[1], 'state')
if current ~= 'queued' and current ~= 'running' then return false end
redis.call('HSET', KEYS[1], 'state', 'running', 'at', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('HINCRBY', KEYS[1], 'run', 1)`;

/**
 * The last checkpoint and the move to done or failed (ARGV[4], at ARGV[5]) in one step, under the
 * same condition as CHECKPOINT (WHILE_NEWEST_RUN). KEYS: state, record.
 */
const FINISH = `${WHILE_NEWEST_RUN}
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'at', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * Moves the state from one of the allowed ones (ARGV[3..]) to ARGV[1] at ARGV[2]; answers the state it found. KEYS:
 * state.
 */
const TRANSITION = `
local current = redis.call('HGET', KEYS[1], 'state')
if not current then return false end
for i = 4, #ARGV do
  if current == ARGV[i] then
    redis.call('HSET', KEYS[1], 'state', ARGV[1], 'at', ARGV[2])
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return current
  end
end
return current`;

interface MemoryAudit {
  stored: StoredAudit;
  results: string[];
  expiresAt: number;
  /** The newest run's number (claim). */
  run: number;
}

/**
 * Audits and their results, the one place they are kept: on Redis when it is configured, so every
 * instance sees the same progress and any can resume an audit; else in this process's memory.
 * The state (queued, running, done, failed, cancelled) is kept apart from the progress so a
 * cancellation is never overwritten by a checkpoint, and a checkpoint stores a page's verdicts
 * and the progress past them in one step: a resumed audit neither repeats nor skips a page. Each
 * run is numbered when it starts (claim), and only the newest run's checkpoints are stored: a run
 * that stalled past its queue lock, or lost Redis for as long, and wakes up after another took the
 * audit over can neither write older progress over the newer nor add its verdicts twice.
 */
@Injectable()
export class AuditStore {
  private readonly memory = new Map<string, MemoryAudit>();

  constructor(
    private readonly shared: SharedStateStore,
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private keys(id: string) {
    return {
      state: this.shared.key(`audit:${id}:state`),
      record: this.shared.key(`audit:${id}`),
      results: this.shared.key(`audit:${id}:results`),
    };
  }

  async create(record: AuditRecord): Promise<void> {
    if (!this.shared.shared) {
      if (!this.roomInMemory())
        throw new AuditCapacityError(`${MEMORY_AUDITS} audits are queued or running in this instance`);
      this.memory.set(record.id, {
        stored: { record: structuredClone(record), state: 'queued' },
        results: [],
        run: 0,
        expiresAt: this.clock.now() + this.config.retentionMs,
      });
      return;
    }
    const keys = this.keys(record.id);
    await this.shared.required('audit create', (client) =>
      client
        .multi()
        .set(keys.record, JSON.stringify(record), { expiration: { type: 'PX', value: this.config.retentionMs } })
        .hSet(keys.state, { state: 'queued', at: record.createdAt })
        .pExpire(keys.state, this.config.retentionMs)
        .exec(),
    );
  }

  async find(id: string): Promise<StoredAudit | undefined> {
    if (!this.shared.shared) {
      const entry = this.liveInMemory(id);
      return entry && structuredClone(entry.stored);
    }
    const keys = this.keys(id);
    const [record, state] = await this.shared.required('audit read', (client) =>
      Promise.all([client.get(keys.record), client.hGetAll(keys.state)]),
    );
    if (!record || !state.state) return undefined;
    const ended = state.state === 'done' || state.state === 'failed' || state.state === 'cancelled';
    return {
      record: JSON.parse(record) as AuditRecord,
      state: state.state as AuditState,
      ...(ended && state.at ? { endedAt: state.at } : {}),
    };
  }

  /** The audit's state alone (undefined: unknown audit): what a runner checks before each Genesys request. */
  async stateOf(id: string): Promise<AuditState | undefined> {
    if (!this.shared.shared) return this.liveInMemory(id)?.stored.state;
    const key = this.keys(id).state;
    return ((await this.shared.required('audit state', (client) => client.hGet(key, 'state'))) ?? undefined) as
      AuditState | undefined;
  }

  /** Moves an audit to `to` if it is in one of `from`; answers the state it was in (undefined: unknown audit). */
  async transition(
    id: string,
    from: readonly AuditState[],
    to: AuditState,
    at: string,
  ): Promise<AuditState | undefined> {
    if (!this.shared.shared) {
      const entry = this.liveInMemory(id);
      if (!entry) return undefined;
      const current = entry.stored.state;
      if (from.includes(current)) {
        entry.stored.state = to;
        if (to === 'done' || to === 'failed' || to === 'cancelled') entry.stored.endedAt = at;
      }
      return current;
    }
    const found = await this.shared.required('audit state', (client) =>
      client.eval(TRANSITION, {
        keys: [this.keys(id).state],
        arguments: [to, at, String(this.config.retentionMs), ...from],
      }),
    );
    return typeof found === 'string' ? (found as AuditState) : undefined;
  }

  /**
   * Stores the progress and the verdict lines it moved past, if the audit is still running; false when it is not
   * (cancelled).
   */
  async checkpoint(record: AuditRecord, lines: readonly string[] = []): Promise<boolean> {
    if (!this.shared.shared) {
      const entry = this.writableInMemory(record);
      if (!entry) return false;
      entry.stored.record = structuredClone(record);
      for (const line of lines) entry.results.push(line);
      return true;
    }
    const keys = this.keys(record.id);
    const stored = await this.shared.required('audit checkpoint', (client) =>
      client.eval(CHECKPOINT, {
        keys: [keys.state, keys.record, keys.results],
        arguments: [JSON.stringify(record), String(this.config.retentionMs), String(record.runs), ...lines],
      }),
    );
    return stored === 1;
  }

  /**
   * Starts a run of a queued or running audit (a running one was left by an instance that died or
   * stalled): its number, which the run puts in `record.runs`; undefined when the audit is unknown or
   * ended. From then on only this run's checkpoints are stored: an earlier run still alive (its
   * queue lock lapsed while it stalled, or while Redis was out of its reach) can no longer write a
   * record older than this run's over it.
   */
  async claim(id: string, at: string): Promise<number | undefined> {
    if (!this.shared.shared) {
      const entry = this.liveInMemory(id);
      if (!entry || (entry.stored.state !== 'queued' && entry.stored.state !== 'running')) return undefined;
      entry.stored.state = 'running';
      entry.run += 1;
      return entry.run;
    }
    const run = await this.shared.required('audit claim', (client) =>
      client.eval(CLAIM, { keys: [this.keys(id).state], arguments: [at, String(this.config.retentionMs)] }),
    );
    return typeof run === 'number' ? run : undefined;
  }

  /** The run's last checkpoint and its end (done or failed), in one step; false as checkpoint would refuse it. */
  async finish(record: AuditRecord, to: 'done' | 'failed', at: string): Promise<boolean> {
    if (!this.shared.shared) {
      const entry = this.writableInMemory(record);
      if (!entry) return false;
      entry.stored = { record: structuredClone(record), state: to, endedAt: at };
      return true;
    }
    const keys = this.keys(record.id);
    const stored = await this.shared.required('audit finish', (client) =>
      client.eval(FINISH, {
        keys: [keys.state, keys.record],
        arguments: [JSON.stringify(record), String(this.config.retentionMs), String(record.runs), to, at],
      }),
    );
    return stored === 1;
  }

  /** The entry a run may write: the audit is running, and no later run has claimed it. */
  private writableInMemory(record: AuditRecord): MemoryAudit | undefined {
    const entry = this.liveInMemory(record.id);
    return entry && entry.stored.state === 'running' && record.runs >= entry.run ? entry : undefined;
  }

  /** Verdict lines from `offset`, at most `count`. */
  async results(id: string, offset: number, count: number): Promise<string[]> {
    if (!this.shared.shared) return this.liveInMemory(id)?.results.slice(offset, offset + count) ?? [];
    const key = this.keys(id).results;
    return this.shared.required('audit results', (client) => client.lRange(key, offset, offset + count - 1));
  }

  private liveInMemory(id: string): MemoryAudit | undefined {
    const entry = this.memory.get(id);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.memory.delete(id);
      return undefined;
    }
    return entry;
  }

  /** Makes room by forgetting the oldest ended audit; false when every kept audit is still queued or running. */
  private roomInMemory(): boolean {
    for (const id of this.memory.keys()) this.liveInMemory(id);
    if (this.memory.size < MEMORY_AUDITS) return true;
    const oldestEnded = [...this.memory.entries()].find(([, entry]) => entry.stored.endedAt !== undefined);
    if (oldestEnded) this.memory.delete(oldestEnded[0]);
    return oldestEnded !== undefined;
  }
}
