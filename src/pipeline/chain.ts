/**
 * The provider chain: pending segments go to each provider in order until none is left.
 *
 * 1. The chain is in the user's order; a provider gets only what the ones before it left.
 * 2. Providers that answer in this process (`isLocal`: copy, pseudo) are counted like a
 *    provider, at no cost; their answers are used when their codes read back. The chain's
 *    `memory` entry stands for "no machine translation": the leverage stage asked the
 *    memory already, so the chain passes it by.
 * 3. A remote provider is asked only for what its journal lacks: what was paid for is never
 *    paid for again, and a dry run counts only the rest.
 * 4. The budget holds for the whole run: a real run that would exceed it stops before
 *    sending anything more; a dry run says so and stops counting, as the real run would.
 * 5. A provider whose account says it has too few characters left is passed by before
 *    anything is sent: the next provider gets the segments.
 * 6. A refused answer is a finding about its document; the reasons of segments left open
 *    are kept for the translator's note.
 */
import type { HansaConfig } from '../config/index.js';
import { InputError, type Finding } from '../errors/index.js';
import { readTarget } from '../markdown/tagged.js';
import type { Segment } from '../markdown/types.js';
import { ProviderJournal, type JournalRecord } from '../memory/journal.js';
import { memoryProviderName, type Provider, type SegmentTerm } from '../providers/index.js';
import { ProviderQueue, packBatches } from '../queue/index.js';
import { batchLimitsOf, providerLimits, translateRemotely, unanswered, type Accepted, type ProviderLimits, type Refusal } from './remote.js';
import type { MaskSpan } from './strict.js';

/** What the chain keeps across the languages of one run. */
export interface ChainRun {
  readonly config: HansaConfig;
  /** Count what would be sent and what it would cost; send and journal nothing. */
  readonly dryRun: boolean;
  readonly signal: AbortSignal | undefined;
  /** Euro spent (by the providers' prices) so far in this run, against `config.budget`. */
  readonly budget: { readonly limit: number | undefined; spent: number };
  /** The provider journal, opened for writing on first use. */
  readonly openJournal: () => Promise<ProviderJournal>;
  /** The journal's records, read without opening it for writing (a dry run). */
  readonly peekJournal: () => Promise<Pick<ProviderJournal, 'get'>>;
  /** One queue per provider account for the whole run: languages and retry passes share its limits. */
  readonly queueOf: (provider: Provider, limits: ProviderLimits) => ProviderQueue;
  /** Flush and release the journal, if it was opened. */
  close(): Promise<void>;
}

/** What `runChain` needs to know of one language. */
export interface ChainContext {
  readonly lang: string;
  /** Findings of the run: provider failures, refusals, the budget. */
  readonly findings: Finding[];
  readonly termsOf: (segment: Segment) => SegmentTerm[];
  readonly spansOf: (segment: Segment) => MaskSpan[];
  /** Why a machine answer is refused; empty when it passes. */
  readonly gate: (segment: Segment, target: string) => readonly Refusal[];
  readonly glossaryVersion: string | undefined;
  /** The document (source path) a segment id belongs to, for refusal findings. */
  readonly documentOf: (segmentId: string) => string | undefined;
}

/** What a language cost, and why segments still open were refused. */
export interface ChainOutcome {
  /** Characters sent (or, in a dry run, to be sent) to providers that are not the memory. */
  readonly characters: number;
  readonly requests: number;
  readonly estimatedCost: number;
  /** `provider: reason` of the last refusal, by id of a segment the chain left pending. */
  readonly refusals: ReadonlyMap<string, string>;
}

/** Start a run's chain state; the journal (`journalFile`) is opened only when first needed. */
export function startChainRun(options: { config: HansaConfig; journalFile: string; dryRun: boolean; signal: AbortSignal | undefined }): ChainRun {
  let opened: Promise<ProviderJournal> | undefined;
  let peeked: Promise<Pick<ProviderJournal, 'get'>> | undefined;
  const queues = new Map<string, ProviderQueue>();
  return {
    config: options.config,
    dryRun: options.dryRun,
    signal: options.signal,
    budget: { limit: options.config.budget, spent: 0 },
    openJournal: () => (opened ??= ProviderJournal.open(options.journalFile)),
    peekJournal: () => (peeked ??= ProviderJournal.peek(options.journalFile).then((records) => ({ get: (key: string): JournalRecord | undefined => records.get(key) }))),
    queueOf(provider, limits) {
      let queue = queues.get(provider.name);
      if (queue === undefined) queues.set(provider.name, (queue = new ProviderQueue(limits.queue)));
      return queue;
    },
    async close() {
      // Pending appends are flushed and the file handle released, whatever happened.
      if (opened !== undefined) await (await opened.catch(() => undefined))?.close();
    },
  };
}

/** Send pending segments down the provider chain; accepted ones move from `pending` to `accepted`. */
export async function runChain(providers: readonly Provider[], pending: Map<string, Segment>, accepted: Map<string, Accepted>, run: ChainRun, context: ChainContext): Promise<ChainOutcome> {
  const { config } = run;
  let characters = 0;
  let requests = 0;
  let estimatedCost = 0;
  const refusals = new Map<string, string>();
  for (const provider of providers) {
    if (pending.size === 0) break;
    if (provider.name === memoryProviderName) continue;
    const limits = providerLimits(provider, config);
    if (!provider.capabilities.isLocal) {
      const journal = run.dryRun ? undefined : await run.openJournal();
      const known = journal ?? (await run.peekJournal());
      const toSend = unanswered(provider, pending, { sourceLanguage: config.sourceLanguage, lang: context.lang, journal: known, glossaryVersion: context.glossaryVersion });
      const chars = toSend.reduce((sum, segment) => sum + segment.characters, 0);
      const cost = (chars / 1_000_000) * limits.capabilities.pricePerMillionCharacters;
      characters += chars;
      requests += packBatches(toSend, batchLimitsOf(limits.capabilities)).length;
      estimatedCost += cost;
      const overBudget = run.budget.limit !== undefined && run.budget.spent + cost > run.budget.limit + 1e-9;
      if (run.dryRun) {
        run.budget.spent += cost;
        if (overBudget) {
          context.findings.push({ code: 'budget_exceeded', severity: 'warning', file: provider.name, lang: context.lang, message: 'over budget', data: { provider: provider.name, characters: chars, cost: run.budget.spent.toFixed(2), budget: run.budget.limit ?? 0 } });
        }
        break;
      }
      if (overBudget) {
        throw new InputError('budget_exceeded', `the run would exceed the budget of ${run.budget.limit} €`, {
          data: { provider: provider.name, characters: chars, cost: (run.budget.spent + cost).toFixed(2), budget: run.budget.limit ?? 0 },
        });
      }
      if (await quotaTooSmall(provider, chars, { lang: context.lang, signal: run.signal, findings: context.findings })) continue;
      run.budget.spent += cost;
      const refused = await translateRemotely(provider, pending, accepted, {
        sourceLanguage: config.sourceLanguage,
        lang: context.lang,
        signal: run.signal,
        findings: context.findings,
        limits,
        queue: run.queueOf(provider, limits),
        termsOf: context.termsOf,
        spansOf: context.spansOf,
        journal: journal ?? (await run.openJournal()),
        glossaryVersion: context.glossaryVersion,
        gate: context.gate,
        documentOf: context.documentOf,
      });
      for (const [id, reason] of refused) refusals.set(id, `${provider.name}: ${reason}`);
      continue;
    }
    const batches = packBatches([...pending.values()], batchLimitsOf(limits.capabilities)).map((batch) => batch.segments);
    characters += [...pending.values()].reduce((sum, segment) => sum + segment.characters, 0);
    requests += batches.length;
    if (run.dryRun) break;
    for (const batch of batches) {
      const results = await provider.translate({
        sourceLanguage: config.sourceLanguage,
        targetLanguage: context.lang,
        segments: batch.map((segment) => {
          const terms = context.termsOf(segment);
          return terms.length === 0 ? { id: segment.id, source: segment.source } : { id: segment.id, source: segment.source, terms };
        }),
        ...(run.signal === undefined ? {} : { signal: run.signal }),
      });
      for (const result of results) {
        const segment = pending.get(result.id);
        if (segment === undefined) continue;
        const read = readTarget(segment.source, result.target);
        if ('problem' in read) continue;
        accepted.set(result.id, { target: result.target, origin: result.origin, synthetic: provider.capabilities.isSynthetic });
        pending.delete(result.id);
      }
    }
  }
  // A later provider may have translated what an earlier one's answer was refused for.
  for (const id of refusals.keys()) if (!pending.has(id)) refusals.delete(id);
  return { characters, requests, estimatedCost, refusals };
}

/**
 * A provider that reports its usage (DeepL `/v2/usage`) and has not enough characters left
 * for this language is skipped before anything is sent: the chain goes on to the next one.
 */
export async function quotaTooSmall(provider: Provider, characters: number, context: { lang: string; signal: AbortSignal | undefined; findings: Finding[] }): Promise<boolean> {
  if (provider.usage === undefined || characters === 0) return false;
  const usage = await provider.usage(context.signal).catch(() => undefined);
  if (usage === undefined || usage.characterCount + characters <= usage.characterLimit) return false;
  const left = Math.max(0, usage.characterLimit - usage.characterCount);
  context.findings.push({
    code: 'provider_failed',
    severity: 'warning',
    file: provider.name,
    lang: context.lang,
    message: `quota: ${left} characters left, ${characters} needed`,
    data: { provider: provider.name, reason: `quota: ${left} characters left of ${usage.characterLimit}, ${characters} needed; segments left for the next provider` },
  });
  return true;
}
