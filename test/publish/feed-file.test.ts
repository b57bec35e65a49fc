import { open, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PublishedItems, writeFeed, type PlacedItem } from '../../src/publish/feed-file.js';
import { feedOf, feedText, type Feed, type FeedItem } from '../../src/publish/index.js';
import { contentHash } from '../../src/state/stamp.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hansa-feed-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = { title: 'Aktualności', baseUrl: 'https://example.org/' };

function headOf(lang: string): Feed {
  return feedOf([], lang, options);
}

/** An item as `feedItem` makes them, from arbitrary text (quotes, newlines, Polish letters). */
const itemArbitrary = (lang: string) =>
  fc
    .record({
      file: fc.stringMatching(/^[a-ząęł0-9]{1,6}(\/[a-z0-9]{1,4})?\.md$/),
      title: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
      text: fc.string({ maxLength: 200, unit: fc.constantFrom('a', 'ż', '"', '\\', '\n', ' ', '}', '{', '    }', '\u2028', '😀') }),
      date: fc.option(fc.constantFrom('2024-01-01T00:00:00Z', '2025-03-07T00:00:00Z', '2025-03-08T00:00:00Z'), { nil: undefined }),
    })
    .map(({ file, title, text, date }): FeedItem => ({
      id: `${lang}/${file}`,
      url: `https://example.org/${lang}/${file}`,
      ...(title === undefined ? {} : { title }),
      content_text: text,
      ...(date === undefined ? {} : { date_published: date }),
      language: lang,
      _hansa: { path: `${lang}/${file}`, translationOf: `content/pl/${file}`, sourceHash: contentHash(file), contentHash: contentHash(text), translationStatus: 'partial' },
    }));

const itemsArbitrary = fc.uniqueArray(itemArbitrary('sv'), { selector: (item) => item.id, maxLength: 12 });

describe('the streamed feed file', () => {
  it('is byte for byte the feed made whole, from spooled items and from the last feed file', async () => {
    await fc.assert(
      fc.asyncProperty(itemsArbitrary, itemsArbitrary, fc.array(fc.boolean(), { maxLength: 12 }), async (first, changes, fromOld) => {
        const target = path.join(dir, 'index.json');
        await rm(target, { force: true });
        // The last run wrote `first` (all from its spool).
        const spool1 = new PublishedItems(path.join(dir, 'spool'), 'sv');
        for (const item of first) await spool1.add(item._hansa.path.slice(3), item);
        const last = await writeFeed(target, headOf('sv'), first.map((item) => spool1.get(item._hansa.path.slice(3)) as PlacedItem), { spool: await spool1.handle() });
        await spool1.dispose();
        expect(await readFile(target, 'utf8')).toBe(feedText(feedOf(first, 'sv', options)));
        // This run: some items changed (spooled), some kept from the last feed where it says so.
        const spool2 = new PublishedItems(path.join(dir, 'spool'), 'sv');
        const wanted = new Map(first.map((item) => [item._hansa.path.slice(3), item]));
        for (const item of changes) wanted.set(item._hansa.path.slice(3), item);
        const placed: PlacedItem[] = [];
        for (const [at, [file, item]] of [...wanted].entries()) {
          const stored = last.index[file];
          if (stored !== undefined && fromOld[at] !== false && item === first.find((one) => one._hansa.path.slice(3) === file)) {
            placed.push({ file, start: stored[0], length: stored[1], date: stored[2] ?? undefined, contentHash: stored[3], from: 'feed' });
          } else {
            await spool2.add(file, item);
            placed.push(spool2.get(file) as PlacedItem);
          }
        }
        const old = await open(target, 'r');
        const before = await readFile(target);
        let result;
        try {
          result = await writeFeed(target, headOf('sv'), placed, { feed: old, spool: await spool2.handle(), unchanged: last.hash });
        } finally {
          await old.close();
          await spool2.dispose();
        }
        const expected = feedText(feedOf([...wanted.values()], 'sv', options));
        const bytes = await readFile(target);
        expect(bytes.toString('utf8')).toBe(expected);
        expect(result.hash).toBe(contentHash(bytes));
        expect(result.size).toBe(bytes.length);
        expect(result.written).toBe(!bytes.equals(before));
        // The index points at each item's own text.
        for (const [file, [start, length]] of Object.entries(result.index)) {
          const item = JSON.parse(bytes.subarray(start, start + length).toString('utf8')) as FeedItem;
          expect(item._hansa.path).toBe(`sv/${file}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('copies items of megabytes from the last feed file, in pieces, byte for byte', async () => {
    const target = path.join(dir, 'index.json');
    const [small] = fc.sample(itemArbitrary('sv'), { seed: 7, numRuns: 1 }) as [FeedItem];
    const big: FeedItem = { ...small, id: 'sv/big.md', content_text: 'Zażółć gęślą jaźń. '.repeat(120_000), _hansa: { ...small._hansa, path: 'sv/big.md' } };
    const spool = new PublishedItems(path.join(dir, 'spool'), 'sv');
    for (const item of [big, small]) await spool.add(item._hansa.path.slice(3), item);
    const first = await writeFeed(target, headOf('sv'), [big, small].map((item) => spool.get(item._hansa.path.slice(3)) as PlacedItem), { spool: await spool.handle() });
    await spool.dispose();
    const changed: FeedItem = { ...small, content_text: `${small.content_text} (zmienione)` };
    const again = new PublishedItems(path.join(dir, 'spool'), 'sv');
    await again.add(changed._hansa.path.slice(3), changed);
    const [start, length, date, contentHash] = first.index['big.md'] ?? [0, 0, null, ''];
    expect(length).toBeGreaterThan(2 << 20);
    const old = await open(target, 'r');
    try {
      await writeFeed(target, headOf('sv'), [{ file: 'big.md', start, length, date: date ?? undefined, contentHash, from: 'feed' }, again.get(changed._hansa.path.slice(3)) as PlacedItem], { feed: old, spool: await again.handle() });
    } finally {
      await old.close();
      await again.dispose();
    }
    expect(await readFile(target, 'utf8')).toBe(feedText(feedOf([big, changed], 'sv', options)));
  });

  it('writes an empty feed as JSON.stringify does', async () => {
    const target = path.join(dir, 'index.json');
    await writeFeed(target, headOf('lt'), [], {});
    expect(await readFile(target, 'utf8')).toBe(feedText(feedOf([], 'lt', options)));
  });

  it('leaves the file and its folder as they were when the bytes are the same', async () => {
    const target = path.join(dir, 'index.json');
    const first = await writeFeed(target, headOf('lt'), [], {});
    const again = await writeFeed(target, headOf('lt'), [], { unchanged: first.hash });
    expect(again.written).toBe(false);
    expect(await readdir(dir)).toEqual(['index.json']);
  });

  it('fails without a half-written file when an item cannot be copied, and keeps the old feed', async () => {
    const target = path.join(dir, 'index.json');
    await writeFile(target, 'the old feed');
    const short = await open(path.join(dir, 'short'), 'w+');
    try {
      const item: PlacedItem = { file: 'a.md', date: undefined, contentHash: 'x', from: 'feed', start: 0, length: 100 };
      await expect(writeFeed(target, headOf('lt'), [item], { feed: short })).rejects.toThrow(/end early/);
    } finally {
      await short.close();
    }
    expect(await readFile(target, 'utf8')).toBe('the old feed');
    expect((await readdir(dir)).sort()).toEqual(['index.json', 'short']);
  });

  it('removes a spool a killed run left for the same language, and its own when done', async () => {
    const spoolDir = path.join(dir, 'spool');
    const killed = new PublishedItems(spoolDir, 'sv');
    await killed.add('a.md', undefined);
    const item = (await fc.sample(itemArbitrary('sv'), 1))[0] as FeedItem;
    await new PublishedItems(spoolDir, 'lt').add('b.md', { ...item, id: 'lt/b.md' });
    const leftover = new PublishedItems(spoolDir, 'sv');
    await leftover.add('c.md', item);
    // `leftover` is never disposed: a run killed with it open.
    const next = new PublishedItems(spoolDir, 'sv');
    await next.add('d.md', item);
    const names = await readdir(spoolDir);
    expect(names.filter((name) => name.startsWith('feed-sv-'))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('feed-lt-'))).toHaveLength(1);
    await next.dispose();
    expect((await readdir(spoolDir)).filter((name) => name.startsWith('feed-sv-'))).toHaveLength(0);
    await (await leftover.handle())?.close();
  });
});
