import { stemmer as porterStemmer } from 'stemmer';
import { errors } from '../core/index.ts';
import type { Analyzer } from './analyzer.ts';
import type { WordNet } from './wordnet.ts';

/** One term of a query, as the index sees it. Added (expansion) terms may weigh less than 1. */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/**
 * How a typed query grows (the 2001 story: 3-4 typed words become about 50):
 * - `none`: the typed terms only;
 * - `morph`: plus each term's variants found in the corpus vocabulary: the index terms that share its
 *   Porter stem (restaurant -> restaurants; with a plural-stripping analyzer, connection -> connected);
 * - `synonyms`: plus the WordNet synonyms of each term (all senses, or only the most frequent);
 * - `both`: variants first, then synonyms.
 */
export type ExpansionPolicy = 'none' | 'morph' | 'synonyms' | 'both';
export const EXPANSION_POLICIES: readonly ExpansionPolicy[] = ['none', 'morph', 'synonyms', 'both'];

export interface ExpansionOptions {
  policy: ExpansionPolicy;
  /** WordNet senses used for synonyms. Default `all`. */
  senses: 'all' | 'first';
  /** Cap on all terms, typed ones included; typed terms are never cut, only additions are. Default 50 (the 2001 figure). */
  maxTerms: number;
  /** Weight of an added term (typed terms weigh 1). Default 0.5. */
  addedWeight: number;
}

export const DEFAULT_EXPANSION: ExpansionOptions = { policy: 'none', senses: 'all', maxTerms: 50, addedWeight: 0.5 };

/** Where an added term came from, for display. */
export interface ExpandedTerm extends WeightedTerm {
  source: 'typed' | 'morph' | 'synonym';
  /** The typed term it expands. */
  of: string;
  /** For a synonym: the WordNet word or phrase it came from ("eating house"). */
  via?: string;
}

export function validateExpansion(o: Partial<ExpansionOptions>): ExpansionOptions {
  const e = { ...DEFAULT_EXPANSION, ...o };
  if (!EXPANSION_POLICIES.includes(e.policy)) throw errors.option('expansion.policy', `one of ${EXPANSION_POLICIES.join(', ')}`, e.policy);
  if (e.senses !== 'all' && e.senses !== 'first') throw errors.option('expansion.senses', 'one of all, first', e.senses);
  if (!Number.isInteger(e.maxTerms) || e.maxTerms < 1) throw errors.option('expansion.maxTerms', 'a positive integer', e.maxTerms);
  if (!(e.addedWeight > 0 && e.addedWeight <= 1)) throw errors.option('expansion.addedWeight', 'a number in (0, 1]', e.addedWeight);
  return e;
}

/**
 * Expands analysed queries. Deterministic: candidates of each typed term are ordered (variants
 * alphabetically, synonyms in WordNet's sense order) and taken round-robin across the typed terms, so
 * every typed word gets its first expansions before the cap is reached.
 */
export class Expander {
  readonly options: ExpansionOptions;
  private readonly stemClasses = new Map<string, string[]>();

  constructor(
    private readonly analyzer: Analyzer,
    options: Partial<ExpansionOptions>,
    private readonly wordnet: WordNet | null,
    vocabulary: Iterable<string> = [],
  ) {
    this.options = validateExpansion(options);
    if (this.usesMorph) {
      for (const t of vocabulary) {
        const k = porterStemmer(t);
        const c = this.stemClasses.get(k);
        if (c) c.push(t);
        else this.stemClasses.set(k, [t]);
      }
      for (const c of this.stemClasses.values()) c.sort();
    }
    if (this.usesSynonyms && !wordnet) throw errors.option('expansion.policy', 'given a WordNet for synonyms', this.options.policy);
  }

  get usesMorph(): boolean {
    return this.options.policy === 'morph' || this.options.policy === 'both';
  }
  get usesSynonyms(): boolean {
    return this.options.policy === 'synonyms' || this.options.policy === 'both';
  }

  /** Each typed term's candidates, once: runs that share an expander (a study's points) share them. */
  private readonly candidateCache = new Map<string, ExpandedTerm[]>();

  /** Candidate additions for one typed term, in order. */
  private candidates(term: string): ExpandedTerm[] {
    let out = this.candidateCache.get(term);
    if (!out) this.candidateCache.set(term, (out = this.findCandidates(term)));
    return out;
  }

  private findCandidates(term: string): ExpandedTerm[] {
    const out: ExpandedTerm[] = [];
    const w = this.options.addedWeight;
    if (this.usesMorph) {
      for (const v of this.stemClasses.get(porterStemmer(term)) ?? []) if (v !== term) out.push({ term: v, weight: w, source: 'morph', of: term });
    }
    if (this.usesSynonyms) {
      for (const phrase of this.wordnet!.synonyms(term, this.options.senses)) {
        for (const t of this.analyzer.terms(phrase)) out.push({ term: t, weight: w, source: 'synonym', of: term, via: phrase });
      }
    }
    return out;
  }

  /**
   * Expands typed terms (distinct, weight 1 each): every typed term first, then additions while the cap
   * leaves room. The cap never cuts what the user typed: expansion only adds.
   */
  expandTerms(typed: readonly WeightedTerm[], maxTerms = this.options.maxTerms): ExpandedTerm[] {
    const max = maxTerms;
    const out: ExpandedTerm[] = typed.map((t) => ({ ...t, source: 'typed' as const, of: t.term }));
    if (this.options.policy === 'none' || out.length >= max) return out;
    const seen = new Set(out.map((t) => t.term));
    const lists = out.map((t) => this.candidates(t.term));
    const at = lists.map(() => 0);
    let progressed = true;
    while (out.length < max && progressed) {
      progressed = false;
      for (let i = 0; i < lists.length && out.length < max; i++) {
        while (at[i] < lists[i].length) {
          const c = lists[i][at[i]++];
          if (seen.has(c.term)) continue;
          seen.add(c.term);
          out.push(c);
          progressed = true;
          break;
        }
      }
    }
    return out;
  }
}
