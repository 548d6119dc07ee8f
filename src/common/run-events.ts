import { Injectable } from '@nestjs/common';

// A finished run, told to whoever listens (the price-alert feed) without the ledger knowing who:
// the ledger is upstream of the analysis, which must not be reached from it.
export interface FinishedRun {
  id: number;
  sourceId: string;
  status: string;
  rowsInserted: number;
  rowsUpdated: number;
  // the countries its rows are in, where the run knows them (a price file): a listener that
  // reads the run's rows reads only those countries'
  countries?: string[];
}

type Listener = (run: FinishedRun) => Promise<void>;

@Injectable()
export class RunEvents {
  private readonly listeners: Listener[] = [];
  private readonly pending = new Set<Promise<void>>();

  on(listener: Listener): void {
    this.listeners.push(listener);
  }

  // The listeners run in the background (a run's answer does not wait for a webhook); each one's
  // failure is its own to record. settle() waits for those in flight: a command line exits after.
  finished(run: FinishedRun): void {
    for (const l of this.listeners) {
      const p = l(run).catch(() => undefined);
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  async settle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
