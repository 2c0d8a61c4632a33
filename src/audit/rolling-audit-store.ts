import { Injectable } from '@nestjs/common';
import { SharedStateStore } from '../cache-store/shared-state.store';
import { initialRollingState, type RollingState } from './rolling-window';

/** Replaces the state only while its version is still the one the caller read. KEYS: the hash. ARGV: version, state. */
const REPLACE_IF_VERSION = `
local version = redis.call('HGET', KEYS[1], 'version') or '0'
if version ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', tostring(tonumber(version) + 1), 'state', ARGV[2])
return 1`;

export interface VersionedRollingState {
  state: RollingState;
  version: number;
}

/**
 * The rolling audit's state, the one place it is kept: on Redis when it is configured (every
 * instance reads the same place; it never expires), else in this process. Every change is a
 * compare-and-set on a version, so of two instances that read the same state only one moves it:
 * a window's counts join the totals and the metrics once.
 */
@Injectable()
export class RollingAuditStore {
  private memory: VersionedRollingState = { state: initialRollingState(), version: 0 };

  constructor(private readonly shared: SharedStateStore) {}

  private get key(): string {
    return this.shared.key('rolling-audit');
  }

  async read(): Promise<VersionedRollingState> {
    if (!this.shared.shared) return structuredClone(this.memory);
    const stored = await this.shared.required('rolling audit read', (client) => client.hGetAll(this.key));
    if (!stored.state) return { state: initialRollingState(), version: Number(stored.version ?? 0) };
    return { state: JSON.parse(stored.state) as RollingState, version: Number(stored.version) };
  }

  /** Stores `next` if the state is still at `version`; false when another run moved it first. */
  async replace(version: number, next: RollingState): Promise<boolean> {
    if (!this.shared.shared) {
      if (this.memory.version !== version) return false;
      this.memory = { state: structuredClone(next), version: version + 1 };
      return true;
    }
    const replaced = await this.shared.required('rolling audit write', (client) =>
      client.eval(REPLACE_IF_VERSION, { keys: [this.key], arguments: [String(version), JSON.stringify(next)] }),
    );
    return replaced === 1;
  }
}
