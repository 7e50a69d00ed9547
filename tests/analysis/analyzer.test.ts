import { describe, expect, it } from 'vitest';
import { Analyzer, sStem, smartStopWords } from '../../src/analysis/index.ts';

describe('Analyzer', () => {
  it('lower-cases, splits on anything but letters, marks and digits, and drops SMART stop words', () => {
    expect(new Analyzer().terms('The Boundary-Layer of a WING, in 1958!')).toEqual(['boundary', 'layer', 'wing', '1958']);
  });
  it('keeps accented and non-Latin words whole', () => {
    expect(new Analyzer({ stopWords: 'none' }).terms('Café naïve Straße Москва 東京')).toEqual(['café', 'naïve', 'straße', 'москва', '東京']);
  });
  it('strips plurals with the default S stemmer and applies Porter when asked', () => {
    expect(new Analyzer().terms('restaurants cities')).toEqual(['restaurant', 'city']);
    expect(new Analyzer({ stemmer: 'porter' }).terms('connections connected')).toEqual(['connect', 'connect']);
    expect(new Analyzer({ stemmer: 'none' }).terms('restaurants')).toEqual(['restaurants']);
  });
  it('takes an explicit stop list or none', () => {
    expect(new Analyzer({ stopWords: ['wing'] }).terms('the wing')).toEqual(['the']);
    expect(new Analyzer({ stopWords: 'none' }).terms('the wing')).toEqual(['the', 'wing']);
  });
  it('rejects an unknown stemmer by naming the valid ones', () => {
    expect(() => new Analyzer({ stemmer: 'snowball' as never })).toThrow('stemmer must be one of none, s, porter, got "snowball"');
  });
});

describe('sStem (Harman 1991)', () => {
  it.each([
    ['queries', 'query'],
    ['aeries', 'aery'],
    ['horses', 'horse'],
    ['shoes', 'shoe'],
    ['toes', 'toe'],
    ['cats', 'cat'],
    ['corpus', 'corpus'],
    ['glass', 'glass'],
    ['is', 'is'],
  ])('%s -> %s', (w, s) => expect(sStem(w)).toBe(s));
});

describe('smartStopWords', () => {
  it('is the 429-word SMART list', () => {
    const l = smartStopWords();
    expect(l).toHaveLength(429);
    expect(l).toContain('the');
    expect(l).toContain('zero');
  });
});
