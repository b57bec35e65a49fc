/** What every provider mock shares: JSON answers and a server on an ephemeral loopback port. */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answer with JSON (or a raw string, for malformed bodies). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Listen on 127.0.0.1, port chosen by the system; `close` stops the server. */
export async function listenOnLoopback(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The mocks' "translation": text outside tags upper-cased, tags kept. */
export function shout(tagged: string): string {
  return tagged.replace(/(<[^>]*>)|([^<]+)/g, (_, tag: string | undefined, plain: string | undefined) => tag ?? (plain ?? '').toUpperCase());
}
