import { tQuantile, tTwoSided } from './distributions';

describe("Student's t quantiles (for the coefficients' 95 % intervals)", () => {
  it('matches R qt() and inverts the two-sided p', () => {
    // R: qt(0.975, c(1, 2, 10, 30)) = 12.706205 4.302653 2.228139 2.042272
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706205, 5);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.302653, 6);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228139, 6);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272, 6);
    expect(tTwoSided(tQuantile(0.975, 7), 7)).toBeCloseTo(0.05, 12);
  });
});
