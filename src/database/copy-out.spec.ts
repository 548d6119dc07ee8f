import { readCopyBinary, settingArray } from './copy-out';

// PostgreSQL's binary COPY format, built by hand: the header, rows of fields (length, bytes), the
// trailer.
function copyBytes(rows: (Buffer | null)[][]): Uint8Array {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(0)];
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const field of row)
      parts.push(field ? Buffer.concat([int32(field.length), field]) : int32(-1));
  }
  parts.push(int16(-1));
  return new Uint8Array(Buffer.concat(parts));
}
const int16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
};
const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const array = (oid: number, elements: Buffer[], hasNull = 0) =>
  Buffer.concat([
    int32(1),
    int32(hasNull),
    int32(oid),
    int32(elements.length),
    int32(1),
    ...elements.map((e) => Buffer.concat([int32(e.length), e])),
  ]);
const float8 = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b;
};

describe('readCopyBinary', () => {
  it('reads text, int4, arrays and nulls', () => {
    const bytes = copyBytes([
      [Buffer.from('평양'), int32(-7), array(701, [float8(1.5), float8(-0)]), null],
      [
        Buffer.from(''),
        int32(0),
        Buffer.concat([int32(0), int32(0), int32(701)]),
        array(1082, [int32(-10_957)]),
      ],
    ]);
    const rows = readCopyBinary(bytes, ['text', 'int4', 'float8[]', 'date[]']);
    expect(rows).toEqual([
      ['평양', -7, new Float64Array([1.5, -0]), null],
      ['', 0, new Float64Array(0), new Int32Array([0])],
    ]);
  });

  it('says what is wrong and where', () => {
    const good = copyBytes([[int32(1)]]);
    expect(() => readCopyBinary(good.subarray(0, good.length - 3), ['int4'])).toThrow(
      /binary COPY: the data ends early at byte 25 of 28/,
    );
    expect(() => readCopyBinary(new TextEncoder().encode('1\t2\n'.repeat(10)), ['int4'])).toThrow(
      /not a binary COPY header at byte 0/,
    );
    expect(() => readCopyBinary(good, ['int4', 'text'])).toThrow(
      /a row of 1 fields, not 2 at byte 19/,
    );
    const ints = copyBytes([[array(23, [int32(1)])]]);
    expect(() => readCopyBinary(ints, ['float8[]'])).toThrow(/an array of type 23, not float8\[\]/);
    const withNull = copyBytes([[array(23, [int32(1)], 1)]]);
    expect(() => readCopyBinary(withNull, ['int4[]'])).toThrow(/an array with nulls/);
  });
});

describe('settingArray', () => {
  it('quotes each element and escapes quotes and backslashes', () => {
    expect(settingArray(['KEN', 'a"b', 'c\\d', 'e,f'])).toBe('{"KEN","a\\"b","c\\\\d","e,f"}');
    expect(settingArray([])).toBe('{}');
  });
});
