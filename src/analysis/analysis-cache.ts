import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

const ENTRIES = 400;

// Results of the estimators by (inputs' data versions, parameters): a new or revised observation
// or tower changes a version, so a cached answer is never stale. Least recently used goes first.
@Injectable()
export class AnalysisCache {
  private readonly entries = new LRUCache<string, { value: unknown }>({ max: ENTRIES });

  async get<T>(key: unknown[], compute: () => Promise<T>): Promise<T> {
    const k = JSON.stringify(key);
    const hit = this.entries.get(k);
    if (hit) return hit.value as T;
    const value = await compute();
    this.entries.set(k, { value });
    return value;
  }
}
