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
  // Hung connections (a fault some tests inject) must not keep the server open.
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { port, close };
}

/** The mocks' "translation": text outside tags upper-cased, tags kept. */
export function shout(tagged: string): string {
  return tagged.replace(/(<[^>]*>)|([^<]+)/g, (_, tag: string | undefined, plain: string | undefined) => tag ?? (plain ?? '').toUpperCase());
}

/** How a fault spoils the codes of an answer. */
export type TagMangling = 'drop' | 'reorder' | 'rename';

/**
 * Codes spoiled the ways real services spoil them: dropped, a closing tag moved before its
 * opening one (broken nesting), or renamed to other HTML tags.
 */
export function mangleTags(text: string, how: TagMangling): string {
  if (how === 'drop') return text.replace(/<[^>]*>/g, '');
  if (how === 'rename') return text.replace(/<pc id="(\d+)">/g, '<b id="$1">').replace(/<\/pc>/g, '</b>').replace(/<ph id="(\d+)"\/>/g, '<x id="$1"/>');
  const open = /<pc id="\d+">/.exec(text);
  if (open === null) return text.replace(/<ph id="(\d+)"\/>/, '<ph id="$1"><ph/>');
  const close = text.indexOf('</pc>', open.index);
  return `${text.slice(0, open.index)}</pc>${text.slice(open.index, close)}${text.slice(close + 5)}`;
}
