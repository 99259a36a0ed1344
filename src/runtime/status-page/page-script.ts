// The status page's script, as the browser runs it (plain JavaScript, no build step): it polls
// GET /api/status twice a second with the run's token, appends the new samples to two uPlot
// charts (queue depth and the oldest message's age; stored, delivered and expired per second),
// fills the tables with textContent (never HTML: client and module names come from outside), and
// posts Cut/Restore to /api/upstream. `window.edgewiseStatusPage` holds the charts, so a test
// can read what the chart shows.

/** How often the page asks for news; the server samples at the same pace (status-page-server.ts). */
export const PAGE_POLL_MS = 500;
/** The charts' window: what the server keeps (status-history.ts). */
export const CHART_WINDOW_SECONDS = 600;

export const PAGE_SCRIPT = `(() => {
  'use strict';
  const POLL_MS = ${PAGE_POLL_MS};
  const WINDOW_SECONDS = ${CHART_WINDOW_SECONDS};
  const token = document.querySelector('meta[name="edgewise-token"]').getAttribute('content');
  const byId = (id) => document.getElementById(id);
  const toggle = byId('upstream-toggle');
  const note = byId('note');
  let lastSeq = 0;
  let upstream = 'unknown';
  let acting = false;
  // uPlot's columns: times (s), then one array per series.
  const depth = [[], [], [], []];
  const rates = [[], [], [], []];

  const chart = (element, series, axes, data) => new uPlot({
    width: Math.max(320, element.clientWidth),
    height: 220,
    scales: { x: { time: true }, age: { range: (u, min, max) => [0, Math.max(10, max)] } },
    series: [{}].concat(series),
    axes: axes,
  }, data, element);
  const depthChart = chart(byId('depth-chart'), [
    { label: 'waiting (all queues)', stroke: '#2563eb', width: 2 },
    { label: 'waiting for the cloud', stroke: '#7c3aed', dash: [6, 4] },
    { label: 'oldest waiting (s)', stroke: '#d97706', scale: 'age' },
  ], [{}, { label: 'messages' }, { side: 1, scale: 'age', label: 'seconds', grid: { show: false } }], depth);
  const rateChart = chart(byId('rate-chart'), [
    { label: 'stored', stroke: '#2563eb', width: 2 },
    { label: 'delivered', stroke: '#15803d', width: 2 },
    { label: 'expired', stroke: '#b91c1c', width: 2 },
  ], [{}, { label: 'per second' }], rates);
  window.edgewiseStatusPage = { depthChart, rateChart };
  window.addEventListener('resize', () => {
    for (const [u, id] of [[depthChart, 'depth-chart'], [rateChart, 'rate-chart']]) u.setSize({ width: Math.max(320, byId(id).clientWidth), height: 220 });
  });

  const headers = (extra) => Object.assign({ 'x-edgewise-token': token }, extra);

  function addSamples(samples) {
    for (const s of samples) {
      const t = s.atMs / 1000;
      depth[0].push(t); depth[1].push(s.queued); depth[2].push(s.queuedUpstream); depth[3].push(s.oldestAgeSeconds);
      rates[0].push(t); rates[1].push(s.storedPerSecond); rates[2].push(s.deliveredPerSecond); rates[3].push(s.expiredPerSecond);
      lastSeq = s.seq;
    }
    const from = depth[0].length > 0 ? depth[0][depth[0].length - 1] - WINDOW_SECONDS : 0;
    let drop = 0;
    while (drop < depth[0].length && depth[0][drop] < from) drop++;
    if (drop > 0) for (const column of depth.concat(rates)) column.splice(0, drop);
    if (samples.length > 0) {
      depthChart.setData(depth);
      rateChart.setData(rates);
    }
  }

  function fillTable(id, rows) {
    const body = byId(id).tBodies[0];
    body.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        const value = typeof cell === 'object' && cell !== null ? cell : { text: cell };
        td.textContent = value.text === undefined ? '' : String(value.text);
        if (value.status) td.dataset.status = value.status;
        tr.append(td);
      }
      return tr;
    }));
  }

  function showUpstream(state) {
    upstream = state;
    const badge = byId('upstream');
    badge.dataset.state = state;
    badge.textContent = 'upstream: ' + state;
    toggle.textContent = state === 'cut' ? 'Restore upstream' : 'Cut upstream';
    toggle.disabled = acting;
  }

  function render(snapshot) {
    showUpstream(snapshot.upstream);
    addSamples(snapshot.samples);
    const waiting = snapshot.queues.reduce((sum, q) => sum + q.depth, 0);
    byId('queued-now').textContent = waiting + ' waiting';
    byId('modules-note').hidden = snapshot.modules !== null;
    fillTable('modules', (snapshot.modules || []).map((m) => [m.name, { text: m.runtimeStatus, status: m.runtimeStatus }, m.restartCount, m.exitCode]));
    fillTable('clients', snapshot.clients.map((c) => [c.clientId, new Date(c.connectedAt).toLocaleTimeString()]));
    fillTable('queues', snapshot.queues.map((q) => [q.endpoint, q.priority, q.depth, q.depth > 0 ? q.oldestAgeSeconds + ' s' : '']));
    byId('store').textContent = 'store: ' + snapshot.store.messages + ' messages, ' + snapshot.store.bytes + ' bytes';
    fillTable('counters', Object.entries(snapshot.counters).map(([name, value]) => [name, value]));
  }

  async function poll() {
    try {
      const response = await fetch('/api/status?since=' + lastSeq, { headers: headers(), cache: 'no-store' });
      if (response.status === 403) throw new Error('this page belongs to a run that has stopped: open the address the running edgewise run printed');
      if (!response.ok) throw new Error('edgewise run answered ' + response.status + '; retrying');
      render(await response.json());
      if (!acting) note.textContent = '';
    } catch (error) {
      note.textContent = error instanceof TypeError ? 'edgewise run does not answer (stopped?); retrying' : error.message;
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  toggle.addEventListener('click', async () => {
    const action = upstream === 'cut' ? 'restore' : 'cut';
    acting = true;
    toggle.disabled = true;
    try {
      const response = await fetch('/api/upstream', { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify({ action: action }) });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || String(response.status));
      note.textContent = '';
      acting = false;
      showUpstream(body.upstream);
    } catch (error) {
      note.textContent = 'could not ' + action + ' the upstream: ' + error.message;
    } finally {
      acting = false;
      toggle.disabled = false;
    }
  });

  poll();
})();
`;
