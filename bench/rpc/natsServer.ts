import { connect } from 'node:net';

/** The NATS server both Moleculer and switchyard's NATS wire use (BENCH_NATS_URL to change it). */
export const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
export const NO_NATS = `no NATS server answers on ${NATS_URL} (start nats-server -js, or set BENCH_NATS_URL)`;

/** Whether a NATS server greets us (its INFO line) at `url` within a second. */
export function natsAnswers(url: string = NATS_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 4222), timeout: 1000 });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('data', (data) => done(data.toString('utf8').startsWith('INFO ')));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
