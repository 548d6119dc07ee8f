import { TextDecoder } from 'node:util';
import { FetchedDocument } from '../source.types';
import { SourceError } from '../source.error';

// A page's text in the encoding its publisher declared: the Content-Type charset, else a byte-order
// mark, else an HTML <meta charset> (or http-equiv) within the first 1024 bytes, else UTF-8. A
// Korean page served as EUC-KR is read as Korean, not as mojibake a parser might half-match; bytes
// that are not valid in the declared encoding, or an encoding nobody can decode, fail the run
// (kind `encoding`) before any parser sees them.
export function decodeBody(doc: Pick<FetchedDocument, 'body' | 'contentType' | 'url'>): string {
  const declared = charsetOf(doc.contentType) ?? bomCharset(doc.body) ?? metaCharset(doc.body);
  const label = declared ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new SourceError(
      'encoding',
      `${doc.url}: declared character encoding "${label}" is not one this reader knows`,
      false,
    );
  }
  try {
    return decoder.decode(doc.body);
  } catch {
    throw new SourceError(
      'encoding',
      `${doc.url}: the body is not valid ${decoder.encoding}${declared ? ' as declared' : ' (no encoding declared; UTF-8 assumed)'}`,
      false,
    );
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1].toLowerCase();
}

function bomCharset(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

function metaCharset(body: Buffer): string | undefined {
  const head = body.subarray(0, 1024).toString('latin1');
  const m =
    /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)/i.exec(head) ??
    /<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)/i.exec(head);
  return m?.[1].toLowerCase();
}
