// The status page's stylesheet, served as a file so the Content-Security-Policy needs no inline styles.

export const PAGE_STYLESHEET = `:root { color-scheme: light dark; --ok: #15803d; --warn: #b45309; --bad: #b91c1c; --quiet: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 10px 16px; border-bottom: 1px solid #8884; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 14px 0 6px; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 24px; padding: 0 16px 16px; }
section { min-width: 0; overflow-x: auto; }
section.wide { grid-column: 1 / -1; overflow: visible; }
.chart { min-height: 230px; }
.figure { font-weight: normal; color: var(--quiet); }
.quiet { color: var(--quiet); }
footer { padding: 8px 16px 16px; font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #8882; font-variant-numeric: tabular-nums; }
th { font-weight: 600; }
td:first-child { overflow-wrap: anywhere; }
button { font: inherit; padding: 4px 12px; cursor: pointer; }
button:disabled { cursor: default; }
.badge { padding: 2px 10px; border-radius: 10px; color: #fff; background: var(--quiet); }
.badge[data-state="connected"] { background: var(--ok); }
.badge[data-state="connecting"], .badge[data-state="disconnected"] { background: var(--warn); }
.badge[data-state="cut"] { background: var(--bad); }
td[data-status="running"] { color: var(--ok); }
td[data-status="failed"], td[data-status="unhealthy"] { color: var(--bad); }
td[data-status="backoff"] { color: var(--warn); }
#note { color: var(--bad); }
`;
