import { pino } from 'pino';

// What the real-server hostile-input suites (test/kafka, test/sqs) share: a logger whose every
// line can be searched for leaks, and a health probe running beside the daemon.

// A probe slower than this means the event loop was held: before consumer.maxKeys, the body of
// 100,000 keys blocked it for seconds (issue 12, defect 5). 20x the ~50 ms target: not flaky.
export const MAX_PROBE_MS = 1_000;

export interface LogLine {
  readonly msg: string;
  readonly outcome?: string;
  readonly reason?: string;
  readonly durationMs?: number;
}

/** A logger that keeps every line as written (the raw text, to search it for leaks). */
export function capturedLogger(): { logger: pino.Logger; raw: string[]; lines: () => LogLine[] } {
  const raw: string[] = [];
  const stream = { write: (line: string) => void raw.push(line) };
  return {
    logger: pino({ level: 'debug' }, stream),
    raw,
    lines: () => raw.map((line) => JSON.parse(line) as LogLine),
  };
}

export interface Probe {
  readonly status: number;
  readonly ms: number;
}

/** Probes `url` every 50 ms until stopped; each probe's status (0: no answer in 5 s) and time. */
export function probing(url: string): { probes: Probe[]; stop: () => Promise<void> } {
  const probes: Probe[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const status = await fetch(url, { signal: AbortSignal.timeout(5_000) })
        .then(async (response) => (await response.text(), response.status))
        .catch(() => 0);
      probes.push({ status, ms: performance.now() - started });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    probes,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
