/**
 * Progress of long operator work (imports, batches, rollouts) on stderr: a bar with counts, percentage and rate,
 * redrawn in place on a terminal; on anything else (CI logs, files) one line at each tenth, so logs stay short.
 * `done()` prints the summary line.
 */
export interface Progress {
  /** `n` more items done. */
  tick(n?: number): void;
  /** Ends the bar; returns the seconds since it started. */
  done(summary?: string): number;
}

export function progress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): Progress {
  const started = performance.now();
  let count = 0;
  let lastTenth = -1;
  const tty = Boolean(stream.isTTY);
  const line = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(count / seconds) : 0;
    const share = total > 0 ? count / total : 1;
    const width = 24;
    const filled = Math.round(share * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    return `${label} ${bar} ${count.toLocaleString("en-US")}/${total.toLocaleString("en-US")} ${Math.floor(share * 100)}% ${rate.toLocaleString("en-US")}/s`;
  };
  return {
    tick(n = 1) {
      count += n;
      if (tty) stream.write(`\r${line()}`);
      else {
        const tenth = total > 0 ? Math.floor((count / total) * 10) : 10;
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          stream.write(`${line()}\n`);
        }
      }
    },
    done(summary) {
      const seconds = (performance.now() - started) / 1000;
      if (tty) stream.write(`\r${line()}\n`);
      if (summary) stream.write(`${summary}\n`);
      return seconds;
    },
  };
}
