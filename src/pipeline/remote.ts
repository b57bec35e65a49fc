/**
 * Sending segments to a paid provider: journal first, then the queue, then the gate.
 *
 * 1. An answer in the journal was paid for: it is used (or refused) as it is and that
 *    provider is never asked for that text again.
 * 2. Every answer is journaled (fsync'd) before it is used, so a run killed at any
 *    moment never pays twice (DESIGN §8.2).
 * 3. An answer that fails the gate gets one stricter request (terms and numbers masked
 *    as codes, the faults named); if that fails too, the segment stays pending for the
 *    next provider of the chain, and a finding says why.
 */
import type { Segment } from '../markdown/types.js';
import { journalKey, journalRecord, type JournalRequest, type ProviderJournal } from '../memory/journal.js';
import type { Provider, ProviderCapabilities, SegmentRequest, SegmentTerm } from '../providers/index.js';
import type { BatchLimits, ProviderQueue, ProviderQueueOptions } from '../queue/index.js';
import type { HansaConfig, ProviderOptions } from '../config/index.js';
import { maskSource, unmaskTarget, type MaskSpan } from './strict.js';
import type { Finding, RefusalCode } from '../errors/index.js';

export type { Finding } from '../errors/index.js';

/** An accepted translation of one segment id. */
export interface Accepted {
  readonly target: string;
  readonly origin: string;
  readonly synthetic?: boolean;
}

/** What `translateRemotely` needs from the run. */
export interface RemoteContext {
  readonly sourceLanguage: string;
  readonly lang: string;
  readonly signal: AbortSignal | undefined;
  readonly findings: Finding[];
  readonly limits: ProviderLimits;
  /**
   * The provider's queue, one per provider account for the whole run: a second pass (the
   * stricter retry) or the next language shares its rate window, so limits hold across them.
   */
  readonly queue: ProviderQueue;
  readonly termsOf: (segment: Segment) => SegmentTerm[];
  /** Spans to mask in a stricter request: glossary terms with what to put back. */
  readonly spansOf: (segment: Segment) => MaskSpan[];
  readonly journal: ProviderJournal;
  /** Hash of the glossary for this language pair, when the project has one. */
  readonly glossaryVersion: string | undefined;
  /** Why a target is refused; empty when it passes. */
  readonly gate: (segment: Segment, target: string) => readonly Refusal[];
  /** The document (source path) a segment id belongs to: a refusal finding names it. */
  readonly documentOf: (segmentId: string) => string | undefined;
}

/** Why the gate refused an answer: `glossary_not_kept`, or the name of the failed check. */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

/** A provider's limits once the config's `providerOptions` are applied. */
export interface ProviderLimits {
  readonly capabilities: ProviderCapabilities;
  readonly queue: ProviderQueueOptions;
}

/** The provider's built-in limits, overridden by `providerOptions.<name>` from the config. */
export function providerLimits(provider: Provider, config: HansaConfig): ProviderLimits {
  const options = (config.providerOptions as Readonly<Record<string, ConfiguredLimits | undefined>>)[provider.name] ?? {};
  const base = provider.capabilities;
  const capabilities: ProviderCapabilities = {
    ...base,
    maxSegmentsPerRequest: options.maxSegmentsPerRequest ?? base.maxSegmentsPerRequest,
    maxCharactersPerRequest: options.maxCharactersPerRequest ?? base.maxCharactersPerRequest,
    pricePerMillionCharacters: options.pricePerMillionCharacters ?? base.pricePerMillionCharacters,
    ...(options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond }),
  };
  const queue: ProviderQueueOptions = {
    provider: provider.name,
    ...(capabilities.requestsPerSecond === undefined ? {} : { requestsPerSecond: capabilities.requestsPerSecond }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.charactersPerMinute === undefined ? {} : { charactersPerMinute: options.charactersPerMinute }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  return { capabilities, queue };
}

/**
 * How requests to a provider are cut: one rule for what is sent and for what a dry run counts,
 * so the two never differ (code points and UTF-8 bytes, as `queue/batch.ts` measures them).
 */
export function batchLimitsOf(capabilities: ProviderCapabilities): BatchLimits {
  return {
    maxSegments: capabilities.maxSegmentsPerRequest,
    maxCharacters: capabilities.maxCharactersPerRequest,
    ...(capabilities.maxRequestBytes === undefined ? {} : { maxBytes: capabilities.maxRequestBytes }),
  };
}

/** The limits every provider's options share (Azure's options are nothing else). */
type ConfiguredLimits = NonNullable<ProviderOptions['azure']>;

/** Segments of `pending` this provider has not answered yet (those would be sent). */
export function unanswered(provider: Provider, pending: ReadonlyMap<string, Segment>, context: { sourceLanguage: string; lang: string; journal: Pick<ProviderJournal, 'get'>; glossaryVersion: string | undefined }): Segment[] {
  return [...pending.values()].filter((segment) => context.journal.get(journalKey(journalRequest(provider, context, segment.source))) === undefined);
}

/**
 * What decides an answer, as the journal keys it: provider, model, languages, the text sent,
 * and the glossary the provider was given; a changed glossary or model asks again.
 */
function journalRequest(provider: Provider, context: { sourceLanguage: string; lang: string; glossaryVersion: string | undefined }, source: string): JournalRequest {
  return {
    provider: provider.name,
    ...(provider.model === undefined ? {} : { model: provider.model }),
    sourceLanguage: context.sourceLanguage,
    targetLanguage: context.lang,
    source,
    ...(context.glossaryVersion === undefined || provider.capabilities.glossary === 'none' ? {} : { glossaryVersion: context.glossaryVersion }),
  };
}

/**
 * Translate `pending` with one paid provider; accepted segments move to `accepted`. Resolves
 * to the segments whose answers were refused, with the reasons.
 */
export async function translateRemotely(provider: Provider, pending: Map<string, Segment>, accepted: Map<string, Accepted>, context: RemoteContext): Promise<ReadonlyMap<string, string>> {
  const { lang } = context;
  const keyOf = (source: string): string => journalKey(journalRequest(provider, context, source));
  const refusals = new Map<string, readonly Refusal[]>();
  const accept = (segment: Segment, target: string, origin: string): boolean => {
    const refused = context.gate(segment, target);
    if (refused.length > 0) {
      refusals.set(segment.id, refused);
      return false;
    }
    accepted.set(segment.id, { target, origin });
    pending.delete(segment.id);
    refusals.delete(segment.id);
    return true;
  };

  const first = await answers(provider, [...pending.values()].map((segment) => ({ segment, request: requestOf(segment, context.termsOf(segment)) })), context, keyOf, (request) => request.source);
  for (const { segment, target, origin } of first) accept(segment, target, origin);

  // One stricter attempt for refused answers. It is worth paying for when something in it
  // differs: masked terms or numbers, or (for a model that reads instructions) the faults
  // named in the prompt; a deterministic service asked the same text would answer the same.
  const instructable = provider.capabilities.glossary === 'prompt';
  const retries = [...refusals.keys()].flatMap((id) => {
    const segment = pending.get(id);
    if (segment === undefined) return [];
    const masked = maskSource(segment.source, context.spansOf(segment));
    if (masked.masks.size === 0 && !instructable) return [];
    const request: SegmentRequest = { id: segment.id, source: masked.source, retry: { refused: (refusals.get(id) ?? []).map((refusal) => refusal.message) } };
    return [{ segment, masks: masked.masks, request }];
  });
  if (retries.length > 0) {
    const masksOf = new Map(retries.map((retry) => [retry.segment.id, retry.masks]));
    // Its own journal key: a rerun finds the stricter answer, not the refused first one.
    const second = await answers(provider, retries, context, (source) => keyOf(`${source}\u0000retry`), (request) => `${request.source}\u0000retry`);
    for (const { segment, target, origin } of second) accept(segment, unmaskTarget(target, masksOf.get(segment.id) ?? new Map()), origin);
  }
  const reasons = new Map<string, string>();
  for (const [id, refused] of refusals) {
    const reason = refused.map((refusal) => refusal.message).join('; ');
    reasons.set(id, reason);
    context.findings.push({
      code: refused[0]?.code ?? 'machine_output_refused',
      severity: 'warning',
      file: context.documentOf(id) ?? provider.name,
      lang,
      segment: id,
      message: reason,
      data: { provider: provider.name, reason },
    });
  }
  return reasons;
}

/**
 * Answers for these requests: from the journal when there, else from the provider through
 * its queue (journaled before they are returned). Failed requests give no answer and one
 * finding per distinct reason.
 */
async function answers(
  provider: Provider,
  items: readonly { segment: Segment; request: SegmentRequest }[],
  context: RemoteContext,
  keyOf: (source: string) => string,
  journaledSource: (request: SegmentRequest) => string,
): Promise<{ segment: Segment; target: string; origin: string }[]> {
  const { journal, sourceLanguage, lang } = context;
  const out: { segment: Segment; target: string; origin: string }[] = [];
  const toSend: { segment: Segment; request: SegmentRequest }[] = [];
  for (const item of items) {
    const record = journal.get(keyOf(item.request.source));
    if (record === undefined) toSend.push(item);
    else out.push({ segment: item.segment, target: record.target, origin: record.origin });
  }
  if (toSend.length === 0) return out;
  const caps = context.limits.capabilities;
  const { queue } = context;
  const bySegment = new Map(toSend.map((item) => [item.request.id, item]));
  const outcome = await queue.translateBatches(
    async (batch, signal) => {
      const results = await provider.translate({ sourceLanguage, targetLanguage: lang, segments: batch, signal });
      await journal.append(
        results.flatMap((result) => {
          const item = bySegment.get(result.id);
          return item === undefined ? [] : [journalRecord(journalRequest(provider, context, journaledSource(item.request)), { target: result.target, origin: result.origin })];
        }),
      );
      return results;
    },
    toSend.map((item) => item.request),
    batchLimitsOf(caps),
    context.signal === undefined ? {} : { signal: context.signal },
  );
  for (const result of outcome.results) {
    const item = bySegment.get(result.id);
    if (item !== undefined) out.push({ segment: item.segment, target: result.target, origin: result.origin });
  }
  // One finding per distinct failure, not one per segment: a spent quota fails hundreds at once.
  const byReason = new Map<string, number>();
  for (const failure of outcome.failures) byReason.set(failure.error.message, (byReason.get(failure.error.message) ?? 0) + 1);
  for (const [reason, count] of byReason) {
    context.findings.push({
      code: 'provider_failed',
      severity: 'warning',
      file: provider.name,
      lang,
      message: reason,
      data: { provider: provider.name, reason: `${reason} (${count} segments left for the next provider)` },
    });
  }
  return out;
}

function requestOf(segment: Segment, terms: readonly SegmentTerm[]): SegmentRequest {
  return terms.length === 0 ? { id: segment.id, source: segment.source } : { id: segment.id, source: segment.source, terms };
}
