import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StopSummary } from './pipeline.js';

export interface DemoStatus {
  pushed: number;
  finished: number;
  stops: StopSummary[];
}

const FIELDS = ['received', 'forwarded', 'dropped', 'ended', 'failed'] as const;

// One self-contained page: it polls /status.json and fills a table, as metrobus's web status did.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>switchyard demo</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}td,th{padding:.3rem .8rem;text-align:right}th:first-child,td:first-child{text-align:left}</style>
</head><body>
<h1>switchyard demo pipeline</h1>
<p>pushed <strong data-field="pushed">0</strong>, journeys over <strong data-field="finished">0</strong></p>
<table><thead><tr><th>stop</th>${FIELDS.map((field) => `<th>${field === 'ended' ? 'delivered' : field}</th>`).join('')}</tr></thead>
<tbody id="stops"></tbody></table>
<script>
const fields = ${JSON.stringify(FIELDS)};
async function refresh() {
  try {
    const status = await (await fetch('/status.json')).json();
    document.querySelector('[data-field="pushed"]').textContent = status.pushed;
    document.querySelector('[data-field="finished"]').textContent = status.finished;
    document.getElementById('stops').innerHTML = status.stops.map((stop) =>
      '<tr data-stop="' + stop.stop + '"><td>' + stop.stop + '</td>' +
      fields.map((field) => '<td data-field="' + field + '">' + stop[field] + '</td>').join('') + '</tr>').join('');
  } catch { /* the demo has stopped */ }
}
refresh();
setInterval(refresh, 300);
</script>
</body></html>`;

/** `--status-port`: a live page of per-stop counts, and the same numbers as JSON. */
export async function startStatusServer(
  port: number,
  status: () => DemoStatus,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url === '/status.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
    } else if (request.url === '/' || request.url === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
