/**
 * Routing by the URL's hash, so reloads and the back button work and the token in the query
 * string is never touched: `#/` is the overview, `#/article/<lang>/<file>[/<segment>]` the
 * editor (`file` and `segment` URI-encoded, so a file's slashes stay inside one part).
 */

/** Where the page is. */
export type Route =
  | { readonly view: 'overview' }
  | { readonly view: 'editor'; readonly lang: string; readonly file: string; readonly segment?: string };

/** The route a hash names; anything unknown is the overview. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'article' && parts.length >= 3 && parts[1] && parts[2]) {
    try {
      const lang = decodeURIComponent(parts[1]);
      const file = decodeURIComponent(parts[2]);
      const segment = parts[3] ? decodeURIComponent(parts[3]) : undefined;
      return segment === undefined ? { view: 'editor', lang, file } : { view: 'editor', lang, file, segment };
    } catch {
      return { view: 'overview' };
    }
  }
  return { view: 'overview' };
}

/** The hash of the overview. */
export function overviewHref(): string {
  return '#/';
}

/** The hash of an article's editor in a language, optionally at a segment. */
export function editorHref(lang: string, file: string, segment?: string): string {
  const base = `#/article/${encodeURIComponent(lang)}/${encodeURIComponent(file)}`;
  return segment === undefined ? base : `${base}/${encodeURIComponent(segment)}`;
}
