import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SourceError } from '../sources/source.error';
import { FetchedDocument, HttpGetter } from '../sources/source.types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// One HTTP client for every source: a User-Agent naming the project, a timeout, a maximum body size,
// and retries with exponential backoff and jitter on temporary failures (network, timeout, 5xx, 429).
@Injectable()
export class HttpFetcher implements HttpGetter {
  retries = 2;
  baseDelayMs = 500;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async get(url: string, label: string): Promise<FetchedDocument> {
    let lastError: SourceError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const wait = this.baseDelayMs * 2 ** (attempt - 1);
        await sleep(wait / 2 + Math.random() * wait);
      }
      try {
        return await this.once(url, label);
      } catch (err) {
        lastError = err instanceof SourceError ? err : new SourceError('network', String(err));
        if (!lastError.temporary) throw lastError;
      }
    }
    throw lastError as SourceError;
  }

  private async once(url: string, label: string): Promise<FetchedDocument> {
    const { timeoutMs, maxBodyBytes, userAgent } = this.config.http;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: {
          'user-agent': userAgent,
          accept: 'text/csv, text/html, application/json;q=0.9, */*;q=0.5',
        },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'follow',
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError')
        throw new SourceError('timeout', `GET ${url}: no answer within ${timeoutMs} ms`);
      throw new SourceError(
        'network',
        `GET ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`,
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      const temporary = res.status >= 500 || res.status === 429;
      throw new SourceError('http_status', `GET ${url}: HTTP ${res.status}`, temporary);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body ?? []) {
        size += (chunk as Uint8Array).byteLength;
        if (size > maxBodyBytes) {
          await res.body?.cancel();
          throw new SourceError(
            'body_too_large',
            `GET ${url}: body larger than ${maxBodyBytes} bytes`,
          );
        }
        chunks.push(Buffer.from(chunk as Uint8Array));
      }
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError('network', `GET ${url}: body cut off (${(err as Error).message})`);
    }
    return {
      url,
      label,
      body: Buffer.concat(chunks),
      fetchedAt: new Date(),
      httpStatus: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      provenance: 'live',
    };
  }
}
