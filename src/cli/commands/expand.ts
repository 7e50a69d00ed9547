import { Command } from 'commander';
import { Analyzer, EXPANSION_POLICIES, Expander, STEMMER_NAMES, WordNet, type ExpansionPolicy, type StemmerName } from '../../analysis/index.ts';
import { errors } from '../../core/index.ts';
import { TEXT_ENCODINGS, WORDNET_GLOSSES, readCorpus, type TextEncoding } from '../../corpus/index.ts';
import { analyzeQuery } from '../../index/index.ts';
import { oneOf, positiveInt, unitWeight } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, writeJson } from '../output.ts';

interface ExpandOptions {
  policy: ExpansionPolicy;
  maxTerms: number;
  weight: number;
  senses: 'all' | 'first';
  corpus: string;
  stemmer: StemmerName;
  encoding: TextEncoding;
  json?: string | boolean;
}

export function expandCommand(): Command {
  return new Command('expand')
    .description('Show how a query grows under an expansion policy: each term, its weight and where it came from.')
    .argument('<text>', 'the typed query')
    .option('--policy <p>', `expansion policy: ${EXPANSION_POLICIES.join(', ')}`, oneOf(EXPANSION_POLICIES), 'both')
    .option('--max-terms <n>', 'cap on all terms, typed ones included (typed terms are never cut, only additions)', positiveInt, 50)
    .option('--weight <x>', 'weight of an added term (typed terms weigh 1)', unitWeight, 0.5)
    .option('--senses <s>', 'WordNet senses for synonyms: all or first', oneOf(['all', 'first'] as const), 'all')
    .option('--corpus <path>', 'corpus whose vocabulary supplies the variants (morph)', WORDNET_GLOSSES)
    .option('--encoding <name>', `corpus encoding: ${TEXT_ENCODINGS.join(', ')}`, oneOf(TEXT_ENCODINGS), 'utf8')
    .option('--stemmer <name>', `analyzer stemmer (the presets use none, so variants stay distinct terms): ${STEMMER_NAMES.join(', ')}`, oneOf(STEMMER_NAMES), 'none')
    .option(JSON_FLAGS, jsonHelp('{"policy", "terms"}'))
    .addHelpText('after', '\nExamples:\n  searchsim expand "cheap restaurant"\n  searchsim expand "car rental" --policy synonyms --senses first --max-terms 10')
    .action(async (text: string, o: ExpandOptions) => {
      const json = jsonTarget(o.json);
      const analyzer = new Analyzer({ stemmer: o.stemmer });
      const typed = analyzeQuery(analyzer, text);
      if (typed.length === 0) throw errors.option('query text', 'at least one indexable word (all were stop words or empty)', text);
      const vocabulary = new Set<string>();
      if (o.policy === 'morph' || o.policy === 'both') {
        for await (const { doc } of readCorpus(o.corpus, { encoding: o.encoding })) analyzer.forEachTerm(doc.title ? `${doc.title}\n${doc.text}` : doc.text, (t) => vocabulary.add(t));
      }
      const wordnet = o.policy === 'synonyms' || o.policy === 'both' ? WordNet.load() : null;
      const expander = new Expander(analyzer, { policy: o.policy, maxTerms: o.maxTerms, addedWeight: o.weight, senses: o.senses }, wordnet, vocabulary);
      const terms = expander.expandTerms(typed);
      if (json === '-') {
        writeJson('-', { policy: o.policy, terms });
        return;
      }
      console.log(`${typed.length} typed -> ${terms.length} terms (policy ${o.policy}, at most ${o.maxTerms})`);
      console.log(table(['term', 'weight', 'source', 'of', 'via'], terms.map((t) => [t.term, t.weight.toFixed(2), t.source, t.of, t.via ?? ''])));
      if (json) writeJson(json, { policy: o.policy, terms });
    });
}
