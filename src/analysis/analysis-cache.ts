import { Injectable } from '@nestjs/common';

const ENTRIES = 200;

// Results of the heavy estimators by (inputs' data versions, parameters): a new or revised
// observation or tower changes a version, so a cached answer is never stale.
@Injectable()
export class AnalysisCache {
  private readonly entries = new Map<string, unknown>();

  async get<T>(key: unknown[], compute: () => Promise<T>): Promise<T> {
    const k = JSON.stringify(key);
    if (this.entries.has(k)) {
      const v = this.entries.get(k) as T;
      this.entries.delete(k); // most recently used goes last
      this.entries.set(k, v);
      return v;
    }
    const v = await compute();
    this.entries.set(k, v);
    if (this.entries.size > ENTRIES)
      this.entries.delete(this.entries.keys().next().value as string);
    return v;
  }
}
