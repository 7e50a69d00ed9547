/** Where progress goes: stderr, or a test's recorder with its own clock. */
export interface ProgressSink {
  isTTY: boolean;
  write(s: string): void;
  /** Milliseconds, monotonic. */
  now(): number;
}

const stderrSink: ProgressSink = {
  isTTY: process.stderr.isTTY === true,
  write: (s) => process.stderr.write(s),
  now: () => performance.now(),
};

/**
 * Seconds between progress lines when stderr is not a terminal: 5, or SEARCHSIM_PROGRESS_S (a CI log
 * that wants fewer lines, or a test that wants them sooner).
 */
export function progressEveryMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.SEARCHSIM_PROGRESS_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 5000;
}

/**
 * Progress of a long run on stderr. On a terminal, a bar redrawn in place after the first second; else
 * (CI, a pipe, a log file) one plain line every few seconds, so a long run is never silent and a
 * captured log stays readable. A run whose progress starts over (the next run of a study) is counted.
 */
export function progressBar(label: string, sink: ProgressSink = stderrSink, everyMs = progressEveryMs(), unit = 'queries'): { update(done: number, total: number): void; end(): void } {
  const started = sink.now();
  let runStarted = started;
  let lastLine = started;
  let lastDone = 0;
  let run = 1;
  let shown = false;
  return {
    update(done, total) {
      const now = sink.now();
      if (done < lastDone) {
        run++;
        runStarted = now;
      }
      lastDone = done;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const name = run > 1 ? `${label} (run ${run})` : label;
      if (sink.isTTY) {
        if (now - started < 1000) return;
        const width = 30;
        const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
        sink.write(`\r${name} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}`);
        shown = true;
        return;
      }
      if (now - lastLine < everyMs) return;
      lastLine = now;
      const runMs = now - runStarted;
      const left = done > 0 && done < total ? `, about ${duration((runMs * (total - done)) / done)} left` : '';
      sink.write(`searchsim: ${name}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${unit} (${(frac * 100).toFixed(1)} %), ${duration(now - started)} elapsed${left}\n`);
    },
    end() {
      if (shown) sink.write('\r' + ' '.repeat(80) + '\r');
    },
  };
}

/**
 * A line every few seconds while a step without its own progress runs (building shards, a batch of
 * queries), on a terminal or not: `searchsim: <label>: 25 s elapsed`. Stop it when the step ends.
 */
export function ticker(label: string, sink: ProgressSink = stderrSink, everyMs = progressEveryMs()): { stop(): void } {
  const started = sink.now();
  const timer = setInterval(() => sink.write(`searchsim: ${label}: ${duration(sink.now() - started)} elapsed\n`), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(0)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * Progress of a sweep on a queue, on stderr: one line every few seconds (terminal or not, since
 * workers elsewhere make the counts move in jumps) with the points finished and this sweep's runs by
 * state: `searchsim: <label>: 3 of 12 points; runs: 4 waiting, 2 active, 10 done, 0 failed`.
 */
export function queueProgress(
  label: string,
  counts: () => { waiting: number; active: number; done: number; failed: number },
  sink: ProgressSink = stderrSink,
  everyMs = progressEveryMs(),
): { update(done: number, total: number): void; end(): void } {
  let points = '0 points';
  const line = () => {
    const c = counts();
    sink.write(`searchsim: ${label}: ${points}; runs: ${c.waiting} waiting, ${c.active} active, ${c.done} done, ${c.failed} failed\n`);
  };
  const timer = setInterval(line, everyMs);
  timer.unref();
  return {
    update: (done, total) => void (points = `${done} of ${total} points`),
    end: () => {
      clearInterval(timer);
      line();
    },
  };
}
