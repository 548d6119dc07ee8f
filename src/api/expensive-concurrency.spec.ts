import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { expensiveConcurrency } from './http-hardening';

// The per-client gate on expensive requests, driven request by request: who starts, who waits, in
// which order, and who is refused.
class FakeResponse extends EventEmitter {
  destroyed = false;
  statusCode = 200;
  body: unknown;
  headers: Record<string, string> = {};
  setHeader(k: string, v: string) {
    this.headers[k] = v;
    return this;
  }
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  end(text: string) {
    this.body = JSON.parse(text);
    return this;
  }
  json(body: unknown) {
    this.body = body;
    return this;
  }
  finish() {
    this.destroyed = true;
    this.emit('close');
  }
}

const req = (ip: string, path = '/api/analysis/convergence') =>
  ({ ip, path, method: 'GET', socket: {} }) as unknown as Request;

describe('at most N expensive requests per client at a time', () => {
  it('works on one request of a client at a time, the next in order of arrival', () => {
    const gate = expensiveConcurrency(1, 2);
    const started: string[] = [];
    const send = (name: string, ip = '10.0.0.1') => {
      const res = new FakeResponse();
      gate(req(ip), res as unknown as Response, (() => started.push(name)) as NextFunction);
      return res;
    };
    const a = send('a');
    const b = send('b');
    const c = send('c');
    expect(started).toEqual(['a']);
    // another client is not held up by the first one's queue
    send('other', '10.0.0.2');
    expect(started).toEqual(['a', 'other']);
    // a third waiting request of the same client: refused, naming the setting
    const d = send('d');
    expect(d.statusCode).toBe(429);
    expect(d.headers['Retry-After']).toBe('1');
    expect((d.body as { message: string }).message).toMatch(
      /at most 1 analysis requests per client at a time and 2 waiting \(ANALYSIS_CONCURRENCY_PER_CLIENT\)/,
    );
    a.finish();
    expect(started).toEqual(['a', 'other', 'b']);
    // c's client goes away while waiting: its place is given up, not its turn kept
    c.finish();
    b.finish();
    expect(started).toEqual(['a', 'other', 'b']);
    const e = send('e');
    expect(started).toEqual(['a', 'other', 'b', 'e']);
    e.finish();
  });

  it('lets cheap reads and health through untouched, and is off at 0', () => {
    const gate = expensiveConcurrency(1, 0);
    const started: string[] = [];
    const hold = new FakeResponse();
    gate(
      req('10.0.0.1'),
      hold as unknown as Response,
      (() => started.push('analysis')) as NextFunction,
    );
    for (const path of ['/api/observations', '/api/health', '/api/markets'])
      gate(
        req('10.0.0.1', path),
        new FakeResponse() as unknown as Response,
        (() => started.push(path)) as NextFunction,
      );
    expect(started).toEqual(['analysis', '/api/observations', '/api/health', '/api/markets']);
    const off = expensiveConcurrency(0, 0);
    for (let i = 0; i < 3; i++)
      off(
        req('10.0.0.1'),
        new FakeResponse() as unknown as Response,
        (() => started.push('free')) as NextFunction,
      );
    expect(started.filter((s) => s === 'free')).toHaveLength(3);
  });
});
