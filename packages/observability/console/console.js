// The console page: polls /console/data.json every second and /console/dead-letters.json every
// three, draws the outcome rates as SVG lines (no library, no build step), and posts replays with
// the token the operator types (kept in this page only).
const COLORS = {
  succeeded: '#137333',
  failed: '#b3261e',
  retried: '#e37400',
  'dead-lettered': '#6f2dbd',
  skipped: '#5f6368',
  ignored: '#9aa0a6',
  expired: '#1a73e8',
};
const field = (name) => document.querySelector(`[data-field="${name}"]`);
const text = (value) => document.createTextNode(String(value));

function row(cells) {
  const tr = document.createElement('tr');
  for (const value of cells) {
    const td = document.createElement('td');
    td.appendChild(text(value));
    tr.appendChild(td);
  }
  return tr;
}

function drawChart(series) {
  const svg = document.getElementById('chart');
  const legend = document.getElementById('legend');
  const lines = [];
  for (const [handler, kinds] of Object.entries(series.handlers)) {
    for (const [kind, counts] of Object.entries(kinds))
      lines.push({ label: `${handler} ${kind}`, kind, counts });
  }
  const max = Math.max(1, ...lines.flatMap((line) => line.counts));
  const width = 600;
  const height = 200;
  svg.replaceChildren();
  legend.replaceChildren();
  let total = 0;
  for (const line of lines) {
    const step = width / Math.max(1, line.counts.length - 1);
    const points = line.counts.map(
      (count, index) => `${(index * step).toFixed(1)},${(height - (count / max) * (height - 10)).toFixed(1)}`,
    );
    total += line.counts.reduce((sum, count) => sum + count, 0);
    const polyline = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    polyline.setAttribute('points', points.join(' '));
    polyline.setAttribute('fill', 'none');
    polyline.setAttribute('stroke', COLORS[line.kind] ?? '#000');
    polyline.setAttribute('stroke-width', '2');
    polyline.setAttribute('vector-effect', 'non-scaling-stroke');
    polyline.dataset.series = line.label;
    svg.appendChild(polyline);
    const key = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = COLORS[line.kind] ?? '#000';
    key.append(swatch, text(line.label));
    legend.appendChild(key);
  }
  svg.dataset.total = String(total);
}

async function refresh() {
  const response = await fetch('/console/data.json', { cache: 'no-store' });
  if (!response.ok) return;
  const data = await response.json();
  document.getElementById('daemon').textContent = `${data.daemon} — switchyard console`;
  field('transport').textContent = data.transport;
  field('ready').textContent = data.ready ? 'yes' : data.draining ? 'draining' : 'no';
  field('ready').className = data.ready ? 'ok' : 'bad';
  field('inFlight').textContent = data.inFlight;
  field('concurrency').textContent = data.concurrency;
  field('received').textContent = data.totals.received;
  field('deadLettered').textContent = data.totals['dead-lettered'];
  drawChart(data.outcomes);
  const lag = document.getElementById('lag');
  lag.replaceChildren(
    ...(data.lag.length === 0
      ? [row(['none reported', '', ''])]
      : data.lag.map((entry) => row([entry.source, entry.partition, entry.messages]))),
  );
  const mode = {
    unavailable: 'This transport cannot replay its dead letters from here.',
    'read-only': 'Read-only: set console.token on the daemon to allow replays.',
    token: 'Replays need the console token.',
  };
  document.getElementById('replay-mode').textContent = mode[data.replay];
  document.querySelector('#replay button').disabled = data.replay !== 'token';
}

async function refreshDeadLetters() {
  const response = await fetch('/console/dead-letters.json', { cache: 'no-store' });
  if (!response.ok) return;
  const data = await response.json();
  const body = document.getElementById('dead-letters');
  if (!data.available) return body.replaceChildren(row([data.why, '', '', '', '']));
  const rows = data.deadLetters.map((letter) => {
    const tr = row([
      letter.at ? new Date(letter.at).toLocaleTimeString() : '',
      letter.source,
      letter.mediaType ?? '',
      letter.attempts ?? '',
      letter.reason,
    ]);
    tr.lastChild.className = 'reason';
    tr.dataset.id = letter.id;
    return tr;
  });
  body.replaceChildren(...(rows.length === 0 ? [row(['none', '', '', '', ''])] : rows));
}

document.getElementById('replay').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const filter = {};
  for (const name of ['reason', 'mediaType']) if (form.get(name)) filter[name] = form.get(name);
  if (form.get('limit')) filter.limit = Number(form.get('limit'));
  const result = document.getElementById('replay-result');
  const response = await fetch('/console/replay', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${form.get('token')}` },
    body: JSON.stringify(filter),
  });
  const answer = await response.json();
  result.textContent = response.ok
    ? `replayed ${answer.replayed}, left ${answer.left}`
    : `refused: ${answer.error}`;
  result.dataset.status = String(response.status);
  await refreshDeadLetters();
});

const every = (ms, task) => {
  const run = () =>
    task()
      .catch(() => undefined)
      .finally(() => setTimeout(run, ms));
  run();
};
every(1000, refresh);
every(3000, refreshDeadLetters);
