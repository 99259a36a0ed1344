// The status page's HTML: the frame the script fills (page-script.ts). The per-run token rides in
// a meta tag, so the script can send it with each request; nothing else is inline, which lets the
// Content-Security-Policy forbid inline scripts and styles altogether.

export const ASSET_PATHS = {
  chartScript: '/assets/uPlot.iife.min.js',
  chartStylesheet: '/assets/uPlot.min.css',
  pageScript: '/assets/page.js',
  pageStylesheet: '/assets/page.css',
} as const;

export function pageDocument(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="edgewise-token" content="${escapeAttribute(token)}">
<title>edgewise run: status</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PATHS.chartStylesheet}">
<link rel="stylesheet" href="${ASSET_PATHS.pageStylesheet}">
</head>
<body>
<header>
  <h1>edgewise run</h1>
  <span id="upstream" class="badge" data-state="unknown">upstream: …</span>
  <button id="upstream-toggle" type="button" disabled>Cut upstream</button>
  <span id="note" role="status"></span>
</header>
<main>
  <section class="wide">
    <h2>Queue <span id="queued-now" class="figure"></span></h2>
    <div id="depth-chart" class="chart"></div>
    <h2>Messages per second</h2>
    <div id="rate-chart" class="chart"></div>
  </section>
  <section>
    <h2>Modules</h2>
    <table id="modules"><thead><tr><th>module</th><th>state</th><th>restarts</th><th>exit code</th></tr></thead><tbody></tbody></table>
    <p id="modules-note" class="quiet" hidden>No agent runs in this process, so no module is started: give <code>--modules FILE</code> or <code>--backend docker</code> to <code>edgewise run</code>.</p>
  </section>
  <section>
    <h2>Connected clients</h2>
    <table id="clients"><thead><tr><th>client</th><th>connected since</th></tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2>Queues</h2>
    <table id="queues"><thead><tr><th>endpoint</th><th>priority</th><th>waiting</th><th>oldest</th></tr></thead><tbody></tbody></table>
    <p id="store" class="quiet"></p>
  </section>
  <section>
    <h2>Counters</h2>
    <table id="counters"><tbody></tbody></table>
  </section>
</main>
<footer class="quiet">Cut simulates an outage as <code>edgewise hub upstream cut</code> does: messages are stored and acknowledged, and the cut lasts across a restart of the hub until it is restored.</footer>
<script src="${ASSET_PATHS.chartScript}"></script>
<script src="${ASSET_PATHS.pageScript}"></script>
</body>
</html>
`;
}

/** The page a request without the run's token gets: where to find the right address. */
export const NO_TOKEN_DOCUMENT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edgewise run: status</title></head>
<body><p>This is the status page of <code>edgewise run</code>. Open the address it printed when it started: that address carries the token this run asks for.</p></body>
</html>
`;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
