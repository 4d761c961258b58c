/**
 * The one stylesheet, served by the app at a content-hashed URL and cached for a year (web/assets.ts), so a
 * member reading page after page downloads it once. Mobile-first; system fonts (PingFang / Noto for Chinese) so
 * nothing else downloads. Budget: under 20 KB (checked by test/web/page-budget.test.ts).
 */
export const css = `
:root{--fg:#1d1d1f;--muted:#5b5b66;--bg:#fafaf7;--card:#fff;--line:#e3e1da;--accent:#a4321f;--accent-fg:#fff;--radius:12px}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif}
.page{max-width:960px;margin:0 auto;padding:24px 16px 64px}
h1{font-size:1.75rem;line-height:1.25;margin:.25em 0}
h2{font-size:1.25rem;margin:1.5em 0 .5em}
p{margin:.5em 0}
a{color:var(--accent)}
a:focus-visible,button:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.muted{color:var(--muted)}
.offers{display:grid;gap:16px;grid-template-columns:1fr;padding:0;list-style:none}
@media (min-width:720px){.offers{grid-template-columns:repeat(2,1fr)}}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:16px 20px}
.card h3{margin:.2em 0 .4em;font-size:1.15rem}
.kind{display:inline-block;font-size:.8rem;color:var(--muted);border:1px solid var(--line);border-radius:999px;padding:0 10px}
.prices{list-style:none;padding:0;margin:.5em 0}
.prices li{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:12px;border-top:1px dashed var(--line);padding:6px 0}
.amount{font-weight:600;font-variant-numeric:tabular-nums}
.button{display:inline-block;background:var(--accent);color:var(--accent-fg);text-decoration:none;border-radius:8px;padding:8px 16px;font-weight:600}
.buy{display:flex;flex-wrap:wrap;gap:6px;justify-content:flex-end}
.button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
.badge{display:inline-block;margin-left:8px;font-size:.75rem;color:var(--accent);border:1px solid var(--accent);border-radius:999px;padding:0 8px}
.lessons,.posts{padding-left:1.25em}
.lessons li,.posts li{margin:.35em 0}
.problem{max-width:560px;margin:15vh auto}
form.inline{display:inline}
.stack{display:grid;gap:8px;max-width:560px}
label{font-weight:600}
input,select,textarea{font:inherit;padding:8px 10px;border:1px solid #8a877d;border-radius:8px;background:#fff;color:var(--fg);width:100%}
textarea{min-height:8em}
input[type=checkbox],input[type=radio]{width:auto}
button{font:inherit;cursor:pointer;border:0}
.error{color:#9b1c1c}
input[aria-invalid=true]{border-color:#9b1c1c}
.nav{display:flex;flex-wrap:wrap;gap:4px 16px;padding:0 0 12px;margin:0 0 16px;border-bottom:1px solid var(--line);list-style:none}
.nav a[aria-current=page]{font-weight:700;text-decoration:none;color:var(--fg)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
.table-wrap{overflow-x:auto}
.refusal{margin:16px 0}
.problem .status{font-size:.9rem;color:var(--muted)}
.notice{border-left:4px solid var(--accent);padding:6px 12px;background:var(--card)}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end}
.filters label{flex:1 1 160px}
.timeline{padding-left:1.25em;font-size:.95rem}
.chart{max-width:100%;height:auto}
.chart .bar{fill:var(--accent)}
.chart .bar.negative{fill:var(--muted)}
.chart .axis{stroke:var(--fg)}
.chart text{font-size:11px;fill:var(--muted)}
.field{display:grid;gap:4px}
.hint{font-size:.9rem}
.check{display:flex;gap:8px;align-items:center}
fieldset{border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:.5em 0}
.error-summary{border:2px solid #9b1c1c;border-radius:8px;padding:8px 16px;margin:12px 0;max-width:560px}
.error-summary a{color:#9b1c1c}
.notice{border-left:4px solid #2b7a3d;padding:4px 12px}
.status-live{color:#2b7a3d;border-color:#2b7a3d}
.status-archived{color:var(--muted);border-color:var(--muted)}
textarea[aria-invalid=true],select[aria-invalid=true]{border-color:#9b1c1c}
`
