import { stemmer as porterStemmer } from 'stemmer';

/** A stemmer maps a lower-cased token to its index form. */
export type StemmerName = 'none' | 's' | 'porter';
export const STEMMER_NAMES: readonly StemmerName[] = ['none', 's', 'porter'];

/**
 * The "S" stemmer (Harman, "How effective is suffixing?", JASIS 42(1), 1991): strips plural endings only.
 * It is the trailing-s stripper behind the reference BM25 figures for Cranfield and CACM
 * (../shared/data/README.md), and keeps words readable in expansion output.
 */
export function sStem(word: string): string {
  const n = word.length;
  if (n < 3 || word.charCodeAt(n - 1) !== 115 /* s */) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return word.slice(0, -3) + 'y';
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes')) {
    return word.slice(0, -1);
  }
  if (!word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function stemmerFor(name: StemmerName): (word: string) => string {
  switch (name) {
    case 'none':
      return (w) => w;
    case 's':
      return sStem;
    case 'porter':
      // Martin Porter's 1980 algorithm, from the `stemmer` package (wooorm).
      return porterStemmer;
  }
}
