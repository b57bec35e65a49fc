/**
 * What Hansa remembers: the translation memory index (segment files, retired translations
 * and TMX files; exact, in-context and fuzzy matches) and the provider journal (every paid
 * answer, durable before use).
 */
export { MemoryIndex, contextKey, fuzzyScore, retarget, type LookupOptions, type MemoryIndexEntry, type MemoryIndexOptions, type MemoryMatch, type MemoryQuery, type MemoryState, type StoredMemoryEntry } from './tm.js';
export { ProviderJournal, journalKey, journalRecord, type JournalRecord, type JournalRequest } from './journal.js';
