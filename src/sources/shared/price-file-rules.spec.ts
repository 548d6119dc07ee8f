import { dateRefusal } from './price-file-rules';

describe('dateRefusal', () => {
  const today = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const inDays = (n: number) => iso(new Date(today.getTime() + n * 86_400_000));

  it('refuses placeholders, impossible dates and dates after the import, kept or not', () => {
    // twice each: the second answer comes from the day's kept verdicts
    for (let pass = 0; pass < 2; pass++) {
      expect(dateRefusal('2021-05-15')).toBeNull();
      expect(dateRefusal('1900-08-15')).toBe(
        'date: 1900-08-15 is decades before any market price survey (a placeholder date?)',
      );
      expect(dateRefusal('2021-02-30')).toBe(
        'date: "2021-02-30" is not a calendar date written YYYY-MM-DD',
      );
      expect(dateRefusal('15/05/2021')).toBe(
        'date: "15/05/2021" is not a calendar date written YYYY-MM-DD',
      );
      expect(dateRefusal(inDays(30))).toBeNull();
      expect(dateRefusal(inDays(60))).toBe(
        `date: ${inDays(60)} is after the import (${iso(today)})`,
      );
    }
  });

  it('judges against the day given, not the kept verdicts of today', () => {
    expect(dateRefusal('2021-05-15', new Date('2021-01-01T00:00:00Z'))).toBe(
      'date: 2021-05-15 is after the import (2021-01-01)',
    );
    expect(dateRefusal('2021-05-15')).toBeNull();
  });
});
