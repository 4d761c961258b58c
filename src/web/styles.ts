/**
 * The stylesheet, inlined into each page: small enough (a few KB) that a separate request would cost more
 * than it saves on a phone. Mobile-first; system fonts (PingFang / Noto for Chinese) so nothing downloads.
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
.problem .status{font-size:.9rem;color:var(--muted)}
`
