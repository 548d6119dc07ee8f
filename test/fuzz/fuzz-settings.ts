// How long the fuzz suites run: FUZZ_RUNS cases per property (100 in npm test); a fixed seed in CI,
// so a failure there repeats; FUZZ_SEED=random for a new one each run (npm run fuzz).
export const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
export const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Date.now() % 2 ** 31
    : Number(process.env.FUZZ_SEED ?? 20261125);
