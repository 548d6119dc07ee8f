import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

// A local HTTP server standing in for a publisher: routes map a path (without query) to a handler.
export class FixtureServer {
  private server?: Server;
  readonly routes = new Map<string, Handler>();
  readonly hits: string[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      this.hits.push(`${url.pathname}${url.search}`);
      const key = `${url.pathname}?${url.searchParams.get('sheet') ?? ''}`;
      const handler = this.routes.get(key) ?? this.routes.get(url.pathname);
      if (handler) handler(req, res);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  serve(
    key: string,
    body: string | Buffer,
    status = 200,
    headers: Record<string, string> = { 'content-type': 'text/csv' },
  ): void {
    this.routes.set(key, (_req, res) => res.writeHead(status, headers).end(body));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
