/**
 * The provider interface every translation source implements, from the
 * pseudo-localiser to the paid machine-translation services.
 */

/** What a provider can do; the queue and the pipeline plan around it. */
export interface ProviderCapabilities {
  /** Target languages it serves, or `any`. */
  readonly languages: 'any' | readonly string[];
  /** How it treats inline codes: `xml` keeps `<pc>`/`<ph>` tags. */
  readonly markup: 'xml' | 'html' | 'none';
  /** How it takes a glossary. */
  readonly glossary: 'none' | 'resource' | 'prompt';
  /** Whether it has a formality setting. */
  readonly formality: boolean;
  /** Most segments in one request. */
  readonly maxSegmentsPerRequest: number;
  /** Most characters of source text in one request. */
  readonly maxCharactersPerRequest: number;
  /** Most bytes of request body (UTF-8 JSON of the texts); default unlimited. */
  readonly maxRequestBytes?: number;
  /** Requests per second the provider allows; default unlimited. */
  readonly requestsPerSecond?: number;
  /** Price in euro per million source characters; 0 for local providers. */
  readonly pricePerMillionCharacters: number;
  /** True for providers whose output is not a translation (copy, pseudo): never stored as memory. */
  readonly isSynthetic: boolean;
  /**
   * True for providers that answer in this process (copy, pseudo, the memory entry): nothing
   * leaves the machine and nothing is paid, so the run neither journals their answers nor
   * counts them against the budget or a quota; their answers are read for well-formed codes
   * but not gated (copy and pseudo keep every code by construction). False for every service
   * reached over the network, even one running on this machine (Ollama, a LibreTranslate
   * container).
   */
  readonly isLocal: boolean;
}

/** A glossary term found in a segment, as a provider should render it. */
export interface SegmentTerm {
  /** The source term as the glossary writes it. */
  readonly source: string;
  /** The surface form in the segment. */
  readonly text: string;
  /** The target term to use, when the glossary has one for the language. */
  readonly target?: string;
  /** Keep the source form. */
  readonly doNotTranslate: boolean;
}

/** One segment to translate. */
export interface SegmentRequest {
  /** Segment id (hash of its source). */
  readonly id: string;
  /** Tagged source text (see `markdown/tagged`). */
  readonly source: string;
  /** Glossary terms found in the source. */
  readonly terms?: readonly SegmentTerm[];
  /**
   * A second attempt after the first answer failed validation: glossary terms and numbers
   * are already masked as `<ph>` codes, and `refused` says what was wrong with the first.
   */
  readonly retry?: { readonly refused: readonly string[] };
}

/** A request for one language pair. */
export interface TranslationRequest {
  readonly sourceLanguage: string;
  readonly targetLanguage: string;
  readonly segments: readonly SegmentRequest[];
  readonly signal?: AbortSignal;
}

/** A provider's answer for one segment; segments it cannot translate are left out. */
export interface TranslationResult {
  readonly id: string;
  /** Tagged target text. */
  readonly target: string;
  /** Origin as recorded with the translation: `mt:<provider>[:model]`, `tm:exact` … */
  readonly origin: string;
}

/** What the account has used of its characters in the current billing period. */
export interface ProviderUsage {
  readonly characterCount: number;
  readonly characterLimit: number;
}

/** A translation source. */
export interface Provider {
  readonly name: string;
  /** The model answering, for providers that have several (an LLM): part of the journal key. */
  readonly model?: string;
  readonly capabilities: ProviderCapabilities;
  translate(request: TranslationRequest): Promise<TranslationResult[]>;
  /** Characters used and allowed this billing period, for providers that tell (DeepL `/v2/usage`); undefined when the account does not count characters. */
  usage?(signal?: AbortSignal): Promise<ProviderUsage | undefined>;
}

/** Capabilities of providers that run here, at no cost and without limits (copy, pseudo, memory). */
export const localCapabilities: ProviderCapabilities = {
  languages: 'any',
  markup: 'xml',
  glossary: 'none',
  formality: false,
  maxSegmentsPerRequest: Number.POSITIVE_INFINITY,
  maxCharactersPerRequest: Number.POSITIVE_INFINITY,
  pricePerMillionCharacters: 0,
  isSynthetic: true,
  isLocal: true,
};
