/**
 * A progress bar on stderr for runs longer than a second; silent when stderr is not a terminal (CI,
 * pipes), so captured output stays clean.
 */
export function progressBar(label: string): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let shown = false;
  return {
    update(done, total) {
      if (!tty || performance.now() - started < 1000) return;
      const width = 30;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      process.stderr.write(`\r${label} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r' + ' '.repeat(80) + '\r');
    },
  };
}
