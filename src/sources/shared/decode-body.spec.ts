import iconv from 'iconv-lite';
import { readFixture } from '../../../test/helpers/markets';
import { parseDailyNkKoreanTable } from '../dailynk-ko/dailynk-ko.parser';
import { SourceError } from '../source.error';
import { decodeBody } from './decode-body';

// The Korean table as Daily NK's older pages served it: EUC-KR, declared in a <meta> tag or in the
// Content-Type header. Decoded as declared, it parses to exactly the rows of the UTF-8 page.
const utf8Page = readFixture('sources', 'dailynk-ko', 'market-table.html');
const eucKrPage = (meta: string) =>
  iconv.encode(utf8Page.replace('<meta charset="utf-8">', meta), 'euc-kr');
const url = 'https://example.org/market';
const rows = (html: string) => parseDailyNkKoreanTable(html).observations;

describe('decoding a fetched page', () => {
  const expected = rows(utf8Page);

  it('reads EUC-KR declared in a meta tag, in either form, into the same rows as the UTF-8 page', () => {
    expect(expected.length).toBeGreaterThan(10);
    for (const meta of [
      '<meta charset="euc-kr">',
      '<meta http-equiv="Content-Type" content="text/html; charset=EUC-KR">',
    ])
      expect(rows(decodeBody({ url, body: eucKrPage(meta), contentType: 'text/html' }))).toEqual(
        expected,
      );
  });

  it('lets the Content-Type header win over the page, and a byte-order mark over the meta tag', () => {
    const body = eucKrPage('<meta charset="utf-8">');
    expect(rows(decodeBody({ url, body, contentType: 'text/html; charset="euc-kr"' }))).toEqual(
      expected,
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(utf8Page, 'utf-16le')]);
    expect(rows(decodeBody({ url, body: utf16 }))).toEqual(expected);
  });

  it('refuses bytes that are not valid in the declared (or assumed) encoding, naming it', () => {
    const body = eucKrPage('<meta charset="utf-8">');
    expect(() => decodeBody({ url, body })).toThrow(/not valid utf-8 as declared/);
    expect(() =>
      decodeBody({ url, body: iconv.encode(utf8Page.replace(/<meta[^>]*>/, ''), 'euc-kr') }),
    ).toThrow(/no encoding declared; UTF-8 assumed/);
    try {
      decodeBody({ url, body, contentType: 'text/html; charset=x-unknown' });
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(SourceError);
      expect(err).toMatchObject({ sourceKind: 'encoding', temporary: false });
      expect((err as Error).message).toMatch(/"x-unknown" is not one this reader knows/);
    }
  });
});
