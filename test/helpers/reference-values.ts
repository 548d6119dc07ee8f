import { parse } from 'csv-parse/sync';
import { readFixture } from './markets';

// Reference values written by a fixture's R or statsmodels script (expected.csv: name,value) and
// the relative comparison every statistic test makes against them.
export function referenceValues(...fixturePath: string[]) {
  const ref = new Map(
    parse<{ name: string; value: string }>(readFixture(...fixturePath), { columns: true }).map(
      (r) => [r.name, Number(r.value)],
    ),
  );
  const get = (name: string): number => {
    const v = ref.get(name);
    if (v === undefined) throw new Error(`no reference value ${name}`);
    return v;
  };
  // |actual − want| ≤ rel · max(|want|, floor)
  const close = (actual: number, name: string, rel = 1e-6, floor = 0) => {
    const want = get(name);
    expect(Math.abs(actual - want)).toBeLessThanOrEqual(rel * Math.max(Math.abs(want), floor));
  };
  return { get, close };
}
