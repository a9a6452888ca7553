import type { Knex } from 'knex';
import { pendingMigrations } from '../db/migrator.js';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: { readonly database: string; readonly schema: string; readonly shutdown: string };
}

/** Whether this process should get traffic: not draining, the database answers, the schema is current. */
export class Readiness {
  private draining = false;
  private readonly drainCallbacks: (() => void)[] = [];
  // Once current, a schema stays current for this process (migrations only move forward).
  private schemaCurrent = false;

  constructor(private readonly db: Knex) {}

  startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    for (const callback of this.drainCallbacks) callback();
  }

  /** Runs `callback` when draining starts: for connections that would otherwise hold the drain open. */
  onDrain(callback: () => void): void {
    this.drainCallbacks.push(callback);
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async check(): Promise<ReadinessReport> {
    const shutdown = this.draining ? 'draining' : 'ok';
    let database = 'ok';
    let schema = 'ok';
    try {
      await this.db.raw('select 1');
      if (!this.schemaCurrent) {
        const pending = await pendingMigrations(this.db);
        this.schemaCurrent = pending.length === 0;
        if (!this.schemaCurrent) schema = `pending migrations: ${pending.join(', ')}`;
      }
    } catch (error) {
      database = `unavailable (${(error as { code?: string }).code ?? (error as Error).name})`;
      schema = 'unknown';
    }
    return {
      ready: !this.draining && database === 'ok' && schema === 'ok',
      checks: { database, schema, shutdown },
    };
  }
}
