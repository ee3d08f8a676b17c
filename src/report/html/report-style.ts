// The page's look: calm, dense where the data is, readable at 1280 px and on paper.
export const REPORT_STYLE = `
:root { --ink: #1f2933; --dim: #616e7c; --rule: #d9e2ec; --band: #f5f7fa; --accent: #2f5d8a; --bad: #b42318; --warn: #b54708; }
* { box-sizing: border-box; }
html { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
body { margin: 0; }
header.top { background: #243b53; color: #f0f4f8; padding: 18px 32px 14px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header.top p { margin: 0; color: #bcccdc; }
nav { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid var(--rule); padding: 8px 32px; display: flex; gap: 18px; flex-wrap: wrap; }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
main { max-width: 1240px; margin: 0 auto; padding: 8px 32px 48px; }
section { margin: 28px 0 0; padding-top: 4px; border-top: 1px solid var(--rule); }
h2 { font-size: 18px; font-weight: 600; margin: 12px 0 10px; }
h3 { font-size: 15px; font-weight: 600; margin: 18px 0 8px; color: #334e68; }
p { margin: 6px 0; }
.note, .empty, .more { color: var(--dim); }
.empty { font-style: italic; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; background: var(--band); }
.card .label { color: var(--dim); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card data { display: block; font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card.bad data { color: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dl.facts dt { color: var(--dim); }
dl.facts dd { margin: 0; }
.headline { font-size: 16px; font-weight: 600; }
.headline.partial { color: var(--warn); }
.filters { color: var(--warn); font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--rule); }
th { font-weight: 600; color: #334e68; background: var(--band); position: sticky; top: 0; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.wide { min-width: 320px; }
td.id code.text { font-size: 11px; word-break: break-all; color: var(--dim); }
td.id { min-width: 150px; max-width: 220px; }
td, code.text { unicode-bidi: isolate; }
time { white-space: nowrap; font-variant-numeric: tabular-nums; }
code.text { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; }
.cut { color: var(--warn); font-size: 12px; white-space: nowrap; }
.none { color: #9aa5b1; }
.sub { color: var(--dim); font-size: 12px; }
.sub code.text { font-size: 11px; word-break: break-all; }
.flag { color: var(--bad); font-weight: 600; }
tr.failed td { background: #fef3f2 !important; }
.level { display: inline-block; min-width: 88px; text-align: center; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; text-transform: uppercase; color: #fff; }
.level-critical { background: #7a271a; } .level-high { background: var(--bad); } .level-medium { background: var(--warn); }
.level-low { background: #a6842c; } .level-informational { background: #7b8794; }
article.finding { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
article.finding h3 { margin: 0 0 6px; display: flex; gap: 10px; align-items: baseline; color: var(--ink); }
.tags { color: var(--dim); font-size: 12px; }
.chart { margin: 8px 0 16px; min-height: 300px; }
.chart .u-legend { font-size: 12px; text-align: left; }
ul.spans { margin: 4px 0; padding-left: 18px; }
footer { color: var(--dim); font-size: 12px; margin-top: 36px; }
@media print {
  nav { display: none; }
  header.top { background: none; color: var(--ink); padding: 0 0 8px; border-bottom: 2px solid var(--ink); }
  header.top p { color: var(--dim); }
  main { max-width: none; padding: 0; }
  section { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  tr, article.finding, .card, .chart { break-inside: avoid; }
  th { position: static; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;
