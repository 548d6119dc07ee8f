import { Readable } from 'node:stream';
import { csvBatches } from './csv-batches';

const collect = async (input: Readable, slow = false) => {
  const rows: string[][] = [];
  const errors: { row: number; message: string }[] = [];
  let batches = 0;
  for await (const b of csvBatches(input, 2)) {
    rows.push(...b.rows);
    errors.push(...b.errors);
    if (slow && ++batches % 3 === 0) await new Promise((r) => setTimeout(r, 2));
  }
  return { rows, errors };
};

describe('csvBatches', () => {
  it('reads every record of a large stream while the consumer is slow (paused and resumed)', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 50_000; i++) lines.push(`${i},"x, ${i}",Å${i}`);
    // 1 KiB chunks: many chunks, so the parser is paused many times
    const text = Buffer.from(lines.join('\n') + '\n');
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += 1024) chunks.push(text.subarray(i, i + 1024));
    const { rows, errors } = await collect(Readable.from(chunks), true);
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(50_001);
    expect(rows[0]).toEqual(['a', 'b', 'c']);
    expect(rows[50_000]).toEqual(['49999', 'x, 49999', 'Å49999']);
  });

  it('stops reading its input while the consumer is behind: memory holds a few chunks, not the file', async () => {
    // an input of 20,000 chunks of 1 KiB (20 MiB), counting what has been read from it
    let produced = 0;
    const input = new Readable({
      read() {
        if (produced >= 20_000) return void this.push(null);
        produced++;
        this.push(`${'x'.repeat(20)},${produced}\n`.repeat(40));
      },
    });
    const it = csvBatches(input, 2)[Symbol.asyncIterator]();
    const first = await it.next(); // the first batch, then nothing is consumed for a while
    await new Promise((r) => setTimeout(r, 200));
    const readWhileWaiting = produced;
    // the stream's own buffer (16 KiB) and a few parsed chunks: far from the 20,000 chunks
    expect(readWhileWaiting).toBeLessThan(100);
    let rows = first.done ? 0 : first.value.rows.length;
    for (let r = await it.next(); !r.done; r = await it.next()) rows += r.value.rows.length;
    expect(rows).toBe(20_000 * 40);
    expect(produced).toBe(20_000);
  });

  it('keeps a multi-byte character split between two chunks whole, and drops a BOM', async () => {
    const bytes = Buffer.from('\ufeffname,price\nMedellín,12\n');
    const cut = bytes.indexOf(Buffer.from('í')) + 1; // inside the two bytes of í
    const { rows } = await collect(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]));
    expect(rows).toEqual([
      ['name', 'price'],
      ['Medellín', '12'],
    ]);
  });

  it('reports a quoting error with its row instead of throwing', async () => {
    const { rows, errors } = await collect(Readable.from(['a,b\n1,2\n3,"4\n']));
    expect(rows[1]).toEqual(['1', '2']);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].row).toBe(2);
  });

  it('ends with the source stream’s error', async () => {
    const input = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(collect(input)).rejects.toThrow('disk gone');
  });
});
