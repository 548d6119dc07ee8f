import { Inject, Injectable, Logger } from '@nestjs/common';
import robotsParser from 'robots-parser';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SourceError } from '../sources/source.error';
import { FetchedDocument, HttpGetter } from '../sources/source.types';
import { HttpCacheService } from './http-cache.service';

const MAX_REDIRECTS = 5;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ROBOTS_TTL_MS = 24 * 3600_000;
const MAX_RETRY_AFTER_MS = 10 * 60_000;
const UA_TOKEN = 'nk-market-tracker';

type Robots = { isAllowed(url: string, ua?: string): boolean | undefined };

// Seconds or an HTTP date, as Retry-After gives it; undefined when absent or unreadable.
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// One HTTP client for every source, polite by construction: a User-Agent that names the project and
// a contact URL; at most one request per host per HTTP_MIN_INTERVAL_MS; robots.txt honoured; a
// timeout and a maximum body size; retries with exponential backoff and jitter on temporary
// failures (network errors, timeouts, cut-off bodies, 5xx, 429 honouring Retry-After) and none on
// permanent ones (other 4xx, robots); conditional requests (If-None-Match, If-Modified-Since) so an
// unchanged page answers 304 and is replayed from the stored snapshot.
@Injectable()
export class HttpFetcher implements HttpGetter {
  private readonly logger = new Logger('Http');
  private readonly nextSlot = new Map<string, Promise<void>>();
  private readonly robots = new Map<string, { at: number; robots: Robots | null }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: HttpCacheService,
  ) {}

  async get(url: string, label: string): Promise<FetchedDocument> {
    const { retries, retryBaseMs } = this.config.http;
    if (this.config.http.respectRobots) await this.checkRobots(url);
    let lastError: SourceError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        return await this.once(url, label);
      } catch (err) {
        lastError = err instanceof SourceError ? err : new SourceError('network', String(err));
        if (!lastError.temporary || attempt === retries) throw lastError;
        const backoff = retryBaseMs * 2 ** attempt;
        const wait =
          (lastError as SourceError & { retryAfterMs?: number }).retryAfterMs ??
          backoff / 2 + Math.random() * backoff;
        this.logger.debug(
          `GET ${url}: ${lastError.message}; retry ${attempt + 1}/${retries} in ${Math.round(wait)} ms`,
        );
        await sleep(wait);
      }
    }
    throw lastError as SourceError;
  }

  // Requests to one host are spaced by the configured interval, whoever makes them.
  private async slot(host: string): Promise<void> {
    const gap = this.config.http.minIntervalMs;
    const previous = this.nextSlot.get(host) ?? Promise.resolve();
    const mine = previous.then(() => sleep(gap));
    this.nextSlot.set(host, mine);
    await previous;
  }

  private async checkRobots(url: string): Promise<void> {
    const { origin } = new URL(url);
    let entry = this.robots.get(origin);
    if (!entry || Date.now() - entry.at > ROBOTS_TTL_MS) {
      const robotsUrl = `${origin}/robots.txt`;
      await this.slot(origin);
      let res: Response;
      try {
        res = await fetch(robotsUrl, {
          headers: { 'user-agent': this.config.http.userAgent },
          signal: AbortSignal.timeout(this.config.http.timeoutMs),
        });
      } catch (err) {
        throw new SourceError(
          'network',
          `GET ${robotsUrl}: ${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`,
        );
      }
      const text = await res.text().catch(() => '');
      if (res.status >= 500)
        throw new SourceError(
          'http_status',
          `GET ${robotsUrl}: HTTP ${res.status} (robots.txt unavailable: not crawling)`,
          true,
        );
      // 4xx: no rules, everything allowed (RFC 9309)
      entry = { at: Date.now(), robots: res.ok ? robotsParser(robotsUrl, text) : null };
      this.robots.set(origin, entry);
    }
    if (entry.robots && entry.robots.isAllowed(url, UA_TOKEN) === false) {
      throw new SourceError(
        'robots_disallowed',
        `GET ${url}: disallowed by ${origin}/robots.txt for ${UA_TOKEN}`,
      );
    }
  }

  // Redirects are followed within the source's own origin only (at most MAX_REDIRECTS): a redirect
  // to another host is a failed run naming it, never a request to a host the configuration did
  // not name.
  private async fetchSameOrigin(
    url: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<Response> {
    const origin = new URL(url).origin;
    let target = url;
    for (let hops = 0; ; hops++) {
      const res = await fetch(target, {
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
      await res.body?.cancel();
      const next = new URL(location, target);
      if (next.origin !== origin)
        throw new SourceError(
          'http_status',
          `GET ${url}: redirected (HTTP ${res.status}) to another host, ${next.origin}; not followed`,
          false,
        );
      if (hops >= MAX_REDIRECTS)
        throw new SourceError(
          'http_status',
          `GET ${url}: more than ${MAX_REDIRECTS} redirects`,
          false,
        );
      target = next.toString();
    }
  }

  private async once(url: string, label: string): Promise<FetchedDocument> {
    const { timeoutMs, maxBodyBytes, userAgent } = this.config.http;
    const validators = await this.cache.validators(url);
    const headers: Record<string, string> = {
      'user-agent': userAgent,
      accept: 'text/csv, text/html, application/json;q=0.9, */*;q=0.5',
    };
    if (validators?.etag) headers['if-none-match'] = validators.etag;
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    await this.slot(new URL(url).origin);
    let res: Response;
    try {
      res = await this.fetchSameOrigin(url, headers, timeoutMs);
    } catch (err) {
      if (err instanceof SourceError) throw err;
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError')
        throw new SourceError('timeout', `GET ${url}: no answer within ${timeoutMs} ms`);
      throw new SourceError(
        'network',
        `GET ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`,
      );
    }
    if (res.status === 304 && validators) {
      await res.body?.cancel();
      const stored = await this.cache.stored(validators.sha256);
      if (stored) {
        return {
          url,
          label,
          body: stored.body,
          contentType: stored.contentType,
          fetchedAt: new Date(),
          httpStatus: 304,
          provenance: 'live',
          notModified: true,
          etag: validators.etag,
          lastModified: validators.lastModified,
        };
      }
      throw new SourceError(
        'http_status',
        `GET ${url}: 304 Not Modified but the stored snapshot ${validators.sha256} is missing`,
        false,
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      const temporary = res.status >= 500 || res.status === 429;
      const error = new SourceError(
        'http_status',
        `GET ${url}: HTTP ${res.status}`,
        temporary,
      ) as SourceError & { retryAfterMs?: number };
      const after = retryAfterMs(res.headers.get('retry-after'));
      if (after !== undefined) error.retryAfterMs = Math.min(after, MAX_RETRY_AFTER_MS);
      throw error;
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBodyBytes) {
      await res.body?.cancel();
      throw new SourceError(
        'body_too_large',
        `GET ${url}: body of ${declared} bytes is larger than ${maxBodyBytes}`,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body ?? []) {
        size += (chunk as Uint8Array).byteLength;
        // leaving the loop by throwing cancels the stream (the iterator's return())
        if (size > maxBodyBytes) {
          throw new SourceError(
            'body_too_large',
            `GET ${url}: body larger than ${maxBodyBytes} bytes`,
          );
        }
        chunks.push(Buffer.from(chunk as Uint8Array));
      }
    } catch (err) {
      if (err instanceof SourceError) throw err;
      const e = err as Error;
      if (e.name === 'TimeoutError')
        throw new SourceError('timeout', `GET ${url}: body not complete within ${timeoutMs} ms`);
      throw new SourceError(
        'network',
        `GET ${url}: body cut off after ${size} bytes (${e.message})`,
      );
    }
    return {
      url,
      label,
      body: Buffer.concat(chunks),
      fetchedAt: new Date(),
      httpStatus: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      provenance: 'live',
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
    };
  }
}
