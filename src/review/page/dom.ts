/**
 * Small DOM helpers for the review page.
 *
 * 1. Every text goes in as a text node: `h()` takes strings as children and never parses
 *    markup, so text from the server (sources, targets, file names, messages) stays data.
 * 2. Attributes are set one by one with `setAttribute`; `style` is refused, because the
 *    page's CSP forbids inline style attributes (widths are set through the CSSOM instead).
 */

/** A child for `h()`: a node, a text, or nothing (skipped). */
export type Child = Node | string | number | null | undefined | false;

/** Attributes for `h()`: `true` sets an empty attribute, `false`/`undefined` leaves it out. */
export type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

/** Create an element with attributes and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  // `for…in` and `className`: this builds tens of thousands of elements for a long article.
  for (const name in attrs) {
    const value = attrs[name];
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else if (name === 'style') throw new Error('Expected no `style` attribute (CSP): use a class or the CSSOM');
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  if (children.length) append(el, children);
  return el;
}

/** Append children (nodes or texts) to a parent. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}


/** Call `fn` once no call has come for `ms` milliseconds; `flush` runs a pending call now. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): {
  (...args: A): void;
  cancel(): void;
  flush(): void;
} {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: A | undefined;
  const run = (): void => {
    timer = undefined;
    const args = last;
    last = undefined;
    if (args) fn(...args);
  };
  const debounced = (...args: A): void => {
    last = args;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  debounced.cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    last = undefined;
  };
  debounced.flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    run();
  };
  return debounced;
}

let uid = 0;
/** A document-unique id with a prefix, for `aria-describedby`/`for` links. */
export function uniqueId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** What an error says, for a message to the reviewer. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
