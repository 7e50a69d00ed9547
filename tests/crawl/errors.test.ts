import { describe, expect, it } from 'vitest';
import { checkCrawlInputs, pagePopulation, classImportance } from '../../src/crawl/index.ts';
import { Rng } from '../../src/core/index.ts';
import { PRESETS } from '../../src/scenarios/index.ts';
import { cli } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

const { file } = tempFiles('crawl-errors');

/** A user's mistake: exit code 2, one line on stderr naming the field, no stack. */
function expectUserError(args: string[], message: RegExp): void {
  const r = cli(...args);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

const scenarioWith = (name: string, crawl: unknown) => file(name, JSON.stringify({ ...PRESETS['google-2001-memory'], crawl }));

describe('bad crawl input: one line naming the field, exit 2', () => {
  it('a negative budget in a scenario', () => {
    expectUserError(['crawl', scenarioWith('neg.json', { budgetFetchesPerSecond: -5 })], /^searchsim: .*neg\.json: crawl\.budgetFetchesPerSecond: .*>=0, got -5$/);
  });
  it('a negative budget on the command line', () => {
    expectUserError(['crawl', 'google-2001-memory', '--budgets', '1000,-5'], /^searchsim: --budgets must be a comma-separated list of fetches a second >= 0, got "1000,-5"$/);
  });
  it('importance classes whose shares are not a distribution', () => {
    const crawl = { budgetFetchesPerSecond: 1000, importance: { classes: [{ share: 0.5, weight: 10 }, { share: 0.2, weight: 1 }] } };
    expectUserError(['crawl', scenarioWith('imp.json', crawl)], /^searchsim: .*imp\.json: crawl\.importance\.classes: must be a distribution: the shares must add up to 1/);
  });
  it('a hint share outside [0, 1], in a scenario and on the command line', () => {
    expectUserError(['crawl', scenarioWith('hint.json', { budgetFetchesPerSecond: 1000, hintShare: 1.5 })], /^searchsim: .*hint\.json: crawl\.hintShare: .*<=1, got 1\.5$/);
    expectUserError(['crawl', 'google-2001-memory', '--hint-share', '-0.1'], /^searchsim: --hint-share must be a share from 0 to 1, got -0\.1$/);
  });
  it('an unknown policy names --policies', () => {
    expectUserError(['crawl', 'google-2001-memory', '--policies', 'uniform,freshest'], /^searchsim: --policies must be one of uniform, proportional, optimal, importance-optimal, hints, got "freshest"$/);
  });
});

describe('bad crawl input through the library', () => {
  it('an importance that is not a distribution names its field', () => {
    const ids = ['a', 'b'];
    expect(() => pagePopulation(ids, new Float64Array([1, 1]), new Float64Array([0.7, 0.7]), 'crawl.importance')).toThrow(
      'crawl.importance must be a distribution (weights adding up to 1), got "weights adding up to 1.4"',
    );
    expect(() => pagePopulation(ids, new Float64Array([1, 1]), new Float64Array([1.5, -0.5]))).toThrow('importance must be a distribution (every weight finite and >= 0, adding up to 1), got -0.5');
    expect(() => classImportance(2, [{ share: 0.9, weight: 1 }], new Rng(1))).toThrow('importance.classes shares must be a distribution (weights adding up to 1), got "weights adding up to 0.9"');
  });
  it('a negative budget and a hint share outside [0, 1] name their fields', () => {
    expect(() => checkCrawlInputs(-1, 0)).toThrow('budgetFetchesPerSecond must be a finite number of fetches a second >= 0, got -1');
    expect(() => checkCrawlInputs(10, 1.01)).toThrow('hintShare must be a share from 0 to 1, got 1.01');
    expect(() => checkCrawlInputs(10, 0.5)).not.toThrow();
  });
});
