import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCorpus, readQrels, stripGcideMarkup, type Doc } from '../../src/corpus/index.ts';
import { readTrace } from '../../src/workload/index.ts';
import { tempFiles } from '../helpers/files.ts';

const { dir, file } = tempFiles('corpus');
async function docs(path: string, format?: 'jsonl' | 'trec' | 'smart'): Promise<Doc[]> {
  const out: Doc[] = [];
  for await (const d of readCorpus(path, format ? { format } : {})) out.push(d.doc);
  return out;
}

describe('readCorpus', () => {
  it('reads JSONL with string or numeric ids and optional titles', async () => {
    const p = file('a.jsonl', '{"id":"x","title":"T","text":"hello"}\n\n{"id":7,"text":"world"}\n');
    expect(await docs(p)).toEqual([{ id: 'x', title: 'T', text: 'hello' }, { id: '7', text: 'world' }]);
  });
  it('reads TREC documents, taking TEXT sections and the title', async () => {
    const p = file('a.trec', '<DOC>\n<DOCNO> WSJ-1 </DOCNO>\n<HEADLINE>Big <b>news</b></HEADLINE>\n<TEXT>\nfirst\n</TEXT>\n<TEXT>second</TEXT>\n</DOC>\n<DOC><DOCNO>2</DOCNO>plain body</DOC>\n');
    const got = await docs(p);
    expect(got.map((d) => d.id)).toEqual(['WSJ-1', '2']);
    expect(got[0].title).toBe('Big  news');
    expect(got[0].text.split(/\s+/).filter(Boolean)).toEqual(['first', 'second']);
    expect(got[1].text.trim()).toBe('plain body');
  });
  it('reads the SMART format of the classic collections (CRLF), indexing .T and .W only', async () => {
    const p = file('cran.all', '.I 1\r\n.T\r\nwing flow\r\n.A\r\nsmith\r\n.W\r\nthe wing\r\nin flow\r\n.I 2\r\n.W\r\nsecond\r\n');
    expect(await docs(p)).toEqual([
      { id: '1', title: 'wing flow', text: 'the wing\nin flow' },
      { id: '2', text: 'second' },
    ]);
  });
  it('accepts a collection folder holding docs.jsonl', async () => {
    expect((await docs('workloads/cranfield')).length).toBe(1400);
  });
  it('strips GCIDE source tags and pronunciations', () => {
    expect(stripGcideMarkup('Ab*a"cus \\Ab"a*cus\\, n. A table. [1913 Webster]').replace(/\s+/g, ' ').trim()).toBe('Ab*a"cus , n. A table.');
  });

  describe('names the file, the line and what was expected', () => {
    it.each([
      ['bad JSON', 'b.jsonl', '{"id":"a","text":"x"}\n{"id": oops}\n', /b\.jsonl:2: expected a JSON object per line/],
      ['a missing text', 'c.jsonl', '{"id":"a"}\n', /c\.jsonl:1 field "text": expected a string, got nothing/],
      ['a bad id', 'd.jsonl', '{"id":[1],"text":"x"}\n', /d\.jsonl:1 field "id": expected a string or number/],
      ['an empty corpus', 'e.jsonl', '\n', /e\.jsonl: expected at least one document/],
      ['an unclosed TREC document', 'f.trec', '<DOC>\n<DOCNO>1</DOCNO>\n', /f\.trec:1: expected <\/DOC>/],
      ['an unknown format', 'g.txt', 'hello\n', /g\.txt:1: expected a corpus in JSONL .*, TREC .* or SMART .* format, got "hello"/],
    ])('%s', async (_what, name, text, msg) => {
      await expect(docs(file(name, text))).rejects.toThrow(msg);
    });
    it('a SMART field before any record', async () => {
      await expect(docs(file('h.all', '.T\ntitle\n'), 'smart')).rejects.toThrow(/h\.all:1: expected \.I to open a record/);
    });
    it('a missing file', async () => {
      await expect(docs(join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: no such corpus file/);
    });
  });
});

describe('readQrels', () => {
  it('reads the normalized three-column layout and TREC four-column lines', async () => {
    const q = await readQrels(file('q.tsv', '1\t184\t3\n1 0 29 0\n'));
    expect([...q.get('1')!]).toEqual([['184', 3], ['29', 0]]);
  });
  it('rejects a line with too few fields, naming file and line', async () => {
    await expect(readQrels(file('bad.tsv', '1\t2\t1\n1\t2\n'))).rejects.toThrow(/bad\.tsv:2: expected 3 fields .* got 2 fields/);
  });
});

describe('text encodings', () => {
  const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
  it('reads UTF-8 (with a byte-order mark) and refuses other bytes, naming the file and line', async () => {
    const p = file('mixed.jsonl', '');
    writeFileSync(p, bytes([0xef, 0xbb, 0xbf], '{"id":"1","text":"naïve café"}\n{"id":"2","text":"x', [0xff], '"}\n'));
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const { doc } of readCorpus(p)) got.push(doc.text);
      })(),
    ).rejects.toThrow(/mixed\.jsonl:2: expected UTF-8 text, got the byte 0xff at byte 20 of the line/);
    expect(got).toEqual(['naïve café']);
  });
  it('reads Latin-1 byte for byte, and utf8-lossy as U+FFFD', async () => {
    const p = file('l1.jsonl', '');
    writeFileSync(p, bytes('{"id":"1","text":"caf', [0xe9], '"}\r\n'));
    const text = async (encoding: 'latin1' | 'utf8-lossy') => {
      for await (const { doc } of readCorpus(p, { encoding })) return doc.text;
    };
    expect(await text('latin1')).toBe('café');
    expect(await text('utf8-lossy')).toBe('caf\uFFFD');
  });
  it('skips a trace line that is not UTF-8 with --skip-invalid, counting it', async () => {
    const p = file('t.tsv', '');
    writeFileSync(p, bytes('cheap flights\ncaf', [0xe9], '\nbbc\n'));
    const skipped: number[] = [];
    const got = [];
    for await (const q of readTrace(p, { skipInvalid: true, onSkip: (l) => skipped.push(l) })) got.push(q.q);
    expect(got).toEqual(['cheap flights', 'bbc']);
    expect(skipped).toEqual([2]);
  });
});
