import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WorkQueues, type OpenedWorkQueue } from '../cache-store/work-queue';
import { AuditRunner } from './audit-runner';
import { auditConfig, type AuditConfig } from './audit.config';

/**
 * Where audits wait for a Genesys job slot and run: with Redis, on the BullMQ queue (any instance
 * runs them, at most AUDIT_JOB_SLOTS at once in the deployment, a killed instance's audit taken
 * over by another); without it, in this process, with the same slots and the same runner.
 */
@Injectable()
export class AuditScheduler implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditScheduler.name);
  private queue: OpenedWorkQueue | undefined;
  private readonly waiting: string[] = [];
  /** Audits running in this process, by id. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly runner: AuditRunner,
    private readonly workQueues: WorkQueues,
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.workQueues.available) return;
    this.queue = await this.workQueues.open(
      'audits',
      { concurrency: this.config.jobSlots, lockMs: this.config.queueLockMs },
      (id, shutdown) => this.runner.run(id, shutdown),
    );
  }

  /** Queues an audit; one already waiting or running is not queued twice (two runners would count its pages twice). */
  async enqueue(id: string): Promise<void> {
    if (this.queue) return this.queue.add(id);
    if (this.waiting.includes(id) || this.running.has(id)) return;
    this.waiting.push(id);
    this.startWaiting();
  }

  private startWaiting(): void {
    while (this.running.size < this.config.jobSlots && this.waiting.length > 0 && !this.shutdown.signal.aborted) {
      const id = this.waiting.shift() as string;
      const run: Promise<void> = this.runner
        .run(id, this.shutdown.signal)
        .catch((error: Error) => this.logger.error(`Audit ${id}: ${error.message}`))
        .finally(() => {
          this.running.delete(id);
          this.startWaiting();
        });
      this.running.set(id, run);
    }
  }

  /** In-process audits stop at their next step; on the queue, WorkQueues hands them back for another instance. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled([...this.running.values()]);
  }
}
