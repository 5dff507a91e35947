"""The HTML report: one self-contained page (no network, no libraries) with the headline
figures, the metrics table, and interactive SVG charts.

The charts are drawn here as SVG; a few lines of script add a crosshair with the values of
every strategy under the pointer, and clicking a strategy in the legend hides or shows it in
every chart.  Bars carry their value as a tooltip.  Everything the page shows is also in
``metrics.json`` next to it.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from lotwise.backtest.series import COLORS, deferral_rate, deferral_series, year_table

if TYPE_CHECKING:
    from lotwise.backtest.metrics import Metrics
    from lotwise.backtest.runner import Backtest

W, H = 920, 330
ML, MR, MT, MB = 78, 16, 20, 34


def _pct(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{100 * x:.{digits}f} %"


def _money(x: float) -> str:
    sign = "-" if x < 0 else ""
    x = abs(x)
    if x >= 1e6:
        return f"{sign}${x / 1e6:.2f}M"
    if x >= 1e3:
        return f"{sign}${x / 1e3:.1f}k"
    return f"{sign}${x:.0f}"


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=10 * mag)
    start = math.ceil(lo / step) * step
    ticks = []
    t = start
    while t <= hi + 1e-9 * step:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _line_chart(cid: str, series: Sequence[tuple[int, str, str, list[date], list[float], str]],
                *, log: bool = False, fmt: str = "money", zero: bool = False) -> str:
    """series: (strategy index, label, color, days, values, dash)."""
    xs_all = [d.toordinal() for s in series for d in s[3]]
    ys_all = [v for s in series for v in s[4] if not (log and v <= 0)]
    if not xs_all or not ys_all:
        return "<p>No data.</p>"
    x0, x1 = min(xs_all), max(xs_all)
    y0, y1 = min(ys_all), max(ys_all)
    if zero:
        y0, y1 = min(y0, 0.0), max(y1, 0.0)
    if log:
        y0, y1 = math.log10(y0), math.log10(y1)
    pad = (y1 - y0) * 0.05 or 1.0
    y0, y1 = y0 - pad, y1 + pad
    pw, ph = W - ML - MR, H - MT - MB

    def px(x: float) -> float:
        return ML + (x - x0) / ((x1 - x0) or 1) * pw

    def py(y: float) -> float:
        v = math.log10(y) if log else y
        return MT + (1 - (v - y0) / (y1 - y0)) * ph

    parts = [f'<svg viewBox="0 0 {W} {H}" class="chart" data-chart="{cid}">']
    # grid and axes
    if log:
        ticks = [10**e * m for e in range(math.floor(y0), math.ceil(y1) + 1) for m in (1, 2, 5)
                 if y0 <= math.log10(10**e * m) <= y1]
    else:
        ticks = _nice_ticks(y0, y1)
    for t in ticks:
        y = py(t)
        label = _fmt(t, fmt)
        parts.append(f'<line x1="{ML}" x2="{W - MR}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{ML - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
                     f"{label}</text>")
    first_year = date.fromordinal(x0).year
    last_year = date.fromordinal(x1).year
    step = max(1, (last_year - first_year) // 12)
    for year in range(first_year + 1, last_year + 1, step):
        x = px(date(year, 1, 1).toordinal())
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{MT}" y2="{H - MB}" class="grid"/>'
                     f'<text x="{x:.1f}" y="{H - MB + 16}" class="tick" text-anchor="middle">'
                     f"{year}</text>")
    if zero and not log:
        parts.append(f'<line x1="{ML}" x2="{W - MR}" y1="{py(0):.1f}" y2="{py(0):.1f}" '
                     'class="zero"/>')
    data = {"x0": x0, "x1": x1, "ml": ML, "pw": pw, "fmt": fmt, "series": []}
    for idx, label, color, days, values, dash in series:
        pts = " ".join(f"{px(d.toordinal()):.1f},{py(v):.1f}" for d, v in zip(days, values,
                                                                               strict=True)
                       if not (log and v <= 0))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="s{idx}"><polyline points="{pts}" fill="none" '
                     f'stroke="{color}" stroke-width="1.6"{dash_attr}/></g>')
        data["series"].append({  # type: ignore[attr-defined]
            "i": idx, "label": label, "color": color,
            "x": [d.toordinal() for d in days], "y": [round(v, 6) for v in values],
        })
    parts.append(f'<line class="cross" x1="0" x2="0" y1="{MT}" y2="{H - MB}" '
                 'visibility="hidden"/>')
    parts.append(f'<rect class="hover" x="{ML}" y="{MT}" width="{pw}" height="{ph}" '
                 'fill="transparent"/>')
    parts.append("</svg>")
    parts.append(f'<script type="application/json" id="data-{cid}">'
                 f"{json.dumps(data, separators=(',', ':'))}</script>")
    return "".join(parts)


def _fmt(v: float, fmt: str) -> str:
    if fmt == "pct":
        return f"{100 * v:.1f}%"
    if fmt == "x":
        return f"{v:.2f}"
    return _money(v)


def _bar_chart(years: list[int], rows: Sequence[tuple[int, str, str, dict[int, float]]]) -> str:
    values = [v for _, _, _, table in rows for v in table.values()] or [0.0]
    lo, hi = min(0.0, min(values)), max(0.0, max(values))
    ticks = _nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    pw, ph = W - ML - MR, H - MT - MB
    n = max(1, len(rows))
    slot = pw / max(1, len(years))
    bw = slot * 0.8 / n

    def py(y: float) -> float:
        return MT + (1 - (y - lo) / ((hi - lo) or 1)) * ph

    parts = [f'<svg viewBox="0 0 {W} {H}" class="chart">']
    for t in ticks:
        parts.append(f'<line x1="{ML}" x2="{W - MR}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
                     f'class="grid"/><text x="{ML - 6}" y="{py(t) + 4:.1f}" class="tick" '
                     f'text-anchor="end">{_money(t)}</text>')
    for k, year in enumerate(years):
        cx = ML + slot * (k + 0.5)
        if len(years) <= 30 or k % 2 == 0:
            parts.append(f'<text x="{cx:.1f}" y="{H - MB + 16}" class="tick" '
                         f'text-anchor="middle">{str(year)[2:] if len(years) > 14 else year}'
                         "</text>")
    for j, (idx, label, color, table) in enumerate(rows):
        parts.append(f'<g class="s{idx}">')
        for k, year in enumerate(years):
            v = table.get(year, 0.0)
            x = ML + slot * k + slot * 0.1 + j * bw
            y = py(max(v, 0.0))
            h = abs(py(v) - py(0.0))
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                         f'fill="{color}"><title>{html.escape(label)} {year}: '
                         f"{_money(v)}</title></rect>")
        parts.append("</g>")
    parts.append(f'<line x1="{ML}" x2="{W - MR}" y1="{py(0):.1f}" y2="{py(0):.1f}" '
                 'class="zero"/></svg>')
    return "".join(parts)


def _metrics_table(bt: Backtest) -> str:
    cols: list[tuple[str, str, object]] = [
        ("Pre-tax return", "a year, taxes counted as withdrawals", "pre_tax"),
        ("After-tax return", "a year, taxes paid", "after_tax"),
        ("After-tax, liquidated", "a year, after selling everything at the end",
         "after_tax_liquidated"),
        ("Tax alpha", "vs benchmark (Parametric)", "tax_alpha"),
        ("Tax alpha, liquidated", "", "tax_alpha_liquidated"),
        ("Harvesting yield", "a year (Wealthfront)", "harvesting_yield"),
        ("Losses realized", "total", "losses"),
        ("Taxes charged", "total; negative = saved", "taxes"),
        ("Tracking error", "a year, vs target", "tracking_error"),
        ("Mean drift", "", "mean_drift"),
        ("Max drift", "", "max_drift"),
        ("Turnover", "a year", "turnover"),
        ("Trades", "", "trades"),
        ("Wash sales", "replayed from the journal", "wash_sales"),
        ("Final value", "before the last tax", "final_value"),
        ("Liquidation tax", "", "liquidation_tax"),
    ]
    money_cols = {"losses", "taxes", "final_value", "liquidation_tax"}
    head = "".join(f'<th title="{html.escape(str(h))}">{html.escape(t)}</th>'
                   for t, h, _ in cols)
    rows = []
    for n, r in enumerate(bt.runs):
        m: Metrics = r.metrics
        cells = []
        for _, _, key in cols:
            v = getattr(m, str(key))
            if key in money_cols:
                text = _money(float(v))
            elif key in ("trades", "wash_sales"):
                text = str(v)
                if key == "wash_sales":
                    text = f'<span class="{"ok" if v == 0 else "bad"}">{v}</span>'
            else:
                text = _pct(v)
            cells.append(f"<td>{text}</td>")
        swatch = f'<span class="sw" style="background:{COLORS[n % len(COLORS)]}"></span>'
        bench = " <em>(benchmark)</em>" if r.spec.name == bt.config.benchmark else ""
        rows.append(f'<tr><th class="name">{swatch}{html.escape(r.label)}{bench}</th>'
                    + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table class="metrics"><thead><tr><th>Strategy</th>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;
background:#f6f7fb}
header{background:#1f2a44;color:#fff;padding:28px 40px}
header h1{margin:0 0 6px;font-size:26px} header p{margin:0;opacity:.8}
main{max-width:1000px;margin:0 auto;padding:20px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0 20px}
.card{background:#fff;border-radius:10px;padding:14px 16px;flex:1 1 200px;
box-shadow:0 1px 3px rgba(0,0,0,.08);border-top:4px solid var(--c)}
.card .t{font-size:13px;color:#555}.card .v{font-size:26px;font-weight:600;margin:4px 0}
.card .s{font-size:12px;color:#666}
section{background:#fff;border-radius:10px;padding:16px 20px;margin:16px 0;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
section h2{font-size:18px;margin:0 0 4px} section p.lead{margin:0 0 10px;color:#555;font-size:14px}
.legend span{cursor:pointer;margin-right:14px;font-size:13px;user-select:none;white-space:nowrap}
.legend span.off{opacity:.35}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;
vertical-align:-1px}
.chart{width:100%;height:auto} .grid{stroke:#e6e8ef} .zero{stroke:#333;stroke-width:.8}
.tick{font-size:11px;fill:#667} .cross{stroke:#888;stroke-dasharray:3 3}
.tip{position:fixed;pointer-events:none;background:rgba(20,25,40,.92);color:#fff;
font-size:12px;padding:6px 8px;border-radius:6px;display:none;z-index:9}
.scroll{overflow-x:auto} table.metrics{border-collapse:collapse;font-size:12.5px;min-width:100%}
table.metrics th,table.metrics td{padding:6px 8px;border-bottom:1px solid #eee;text-align:right;
white-space:nowrap} table.metrics th.name{text-align:left}
table.metrics thead th{background:#f0f2f8;position:sticky;top:0}
.ok{color:#2e7d32;font-weight:600}.bad{color:#c62828;font-weight:600}
.notes li{font-size:13px;color:#444;margin:3px 0}
"""

SCRIPT = """
(function(){
const tip=document.createElement('div');tip.className='tip';document.body.appendChild(tip);
const hidden=new Set();
function fmt(v,f){if(f==='pct')return (100*v).toFixed(2)+'%';if(f==='x')return v.toFixed(3);
 const a=Math.abs(v),s=v<0?'-':'';if(a>=1e6)return s+'$'+(a/1e6).toFixed(2)+'M';
 if(a>=1e3)return s+'$'+(a/1e3).toFixed(1)+'k';return s+'$'+a.toFixed(0);}
document.querySelectorAll('svg[data-chart]').forEach(svg=>{
 const data=JSON.parse(document.getElementById('data-'+svg.dataset.chart).textContent);
 const cross=svg.querySelector('.cross'),hover=svg.querySelector('.hover');
 hover.addEventListener('mousemove',ev=>{
  const r=svg.getBoundingClientRect(),sx=(ev.clientX-r.left)*svg.viewBox.baseVal.width/r.width;
  const x=data.x0+(sx-data.ml)/data.pw*(data.x1-data.x0);
  cross.setAttribute('x1',sx);cross.setAttribute('x2',sx);cross.setAttribute('visibility','visible');
  let rows='',day=null;
  data.series.forEach(s=>{if(hidden.has(s.i)||!s.x.length)return;let lo=0,hi=s.x.length-1;
   while(lo<hi){const m=(lo+hi)>>1;if(s.x[m]<x)lo=m+1;else hi=m;}
   day=s.x[lo];rows+='<div><span class="sw" style="background:'+s.color+'"></span>'
    +s.label+': <b>'+fmt(s.y[lo],data.fmt)+'</b></div>';});
  if(day===null){tip.style.display='none';return;}
  const when=new Date((day-719163)*864e5).toISOString().slice(0,10);
  tip.innerHTML='<div>'+when+'</div>'+rows;
  tip.style.display='block';tip.style.left=(ev.clientX+14)+'px';tip.style.top=(ev.clientY+10)+'px';});
 hover.addEventListener('mouseleave',()=>{tip.style.display='none';cross.setAttribute('visibility','hidden');});
});
document.querySelectorAll('.legend span[data-i]').forEach(el=>{el.addEventListener('click',()=>{
 const i=+el.dataset.i,off=!hidden.has(i);if(off)hidden.add(i);else hidden.delete(i);
 document.querySelectorAll('.legend span[data-i="'+i+'"]')
  .forEach(e=>e.classList.toggle('off',off));
 document.querySelectorAll('g.s'+i).forEach(g=>g.style.display=off?'none':'');});});
})();
"""


def _legend(bt: Backtest) -> str:
    spans = "".join(
        f'<span data-i="{n}"><span class="sw" style="background:{COLORS[n % len(COLORS)]}">'
        f"</span>{html.escape(r.label)}</span>"
        for n, r in enumerate(bt.runs)
    )
    return f'<div class="legend">{spans}</div>'


def render_html(bt: Backtest) -> str:
    """The report page of a backtest."""
    runs = bt.runs
    first = runs[0].result
    title = html.escape(bt.config.name)
    period = f"{first.start} to {first.end} ({first.years_elapsed:.1f} years)"
    color = {r.spec.name: COLORS[n % len(COLORS)] for n, r in enumerate(runs)}
    index = {r.spec.name: n for n, r in enumerate(runs)}

    cards = []
    for r in runs:
        m = r.metrics
        alpha = "" if m.tax_alpha_liquidated is None or r.spec.name == bt.config.benchmark else (
            f"tax alpha {_pct(m.tax_alpha)} ({_pct(m.tax_alpha_liquidated)} liquidated)")
        cards.append(
            f'<div class="card" style="--c:{color[r.spec.name]}"><div class="t">'
            f"{html.escape(r.label)}</div><div class=\"v\">{_pct(m.after_tax_liquidated)}</div>"
            f'<div class="s">a year after tax and liquidation · pre-tax {_pct(m.pre_tax)}'
            f"<br>{alpha}</div></div>"
        )

    wealth = _line_chart("wealth", [
        (index[r.spec.name], r.label, color[r.spec.name], [p.day for p in r.result.points],
         [p.value for p in r.result.points], "") for r in runs
    ], log=True)
    growth = _line_chart("growth", [
        (index[r.spec.name], r.label, color[r.spec.name], [p.day for p in r.result.points],
         [p.after_tax for p in r.result.points], "") for r in runs
    ] + [(-1, "target (pre-tax)", "#222", [p.day for p in first.points],
          [p.benchmark for p in first.points], "4 3")], log=True, fmt="x")
    drift = _line_chart("drift", [
        (index[r.spec.name], r.label, color[r.spec.name], [p.day for p in r.result.points],
         [p.drift for p in r.result.points], "") for r in runs
    ], fmt="pct")
    years, taxes, losses = year_table(bt)
    tax_bars = _bar_chart(years, [(index[r.spec.name], r.label, color[r.spec.name],
                                   taxes[r.spec.name]) for r in runs])
    loss_bars = _bar_chart(years, [(index[r.spec.name], r.label, color[r.spec.name],
                                    losses[r.spec.name]) for r in runs])
    deferral_parts = []
    for label, days, gained, deferred, net in deferral_series(bt):
        name = next(r.spec.name for r in runs if r.label == label)
        i = index[name]
        deferral_parts.append((i, f"{label}: value gained", color[name], days, gained, ""))
        deferral_parts.append((i, f"{label}: extra tax deferred", color[name], days, deferred,
                               "5 4"))
        deferral_parts.append((i, f"{label}: gained after liquidation", color[name], days, net,
                               "1 3"))
    deferral = _line_chart("deferral", deferral_parts, zero=True) if deferral_parts else ""
    rate = deferral_rate(bt)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in bt.notes)
    tax = bt.setup.tax
    if tax.mode == "us":
        tax_text = (f"US federal tax (lotwise.tax), {tax.filing_status.value}, other income "
                    f"${tax.ordinary_income:,.0f}, state rate {tax.state_rate}")
    else:
        tax_text = (f"flat rates: short {tax.short_rate}, long {tax.long_rate}, dividends "
                    f"{tax.dividend_rate}, losses: {tax.losses}")
    legend = _legend(bt)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport"
content="width=device-width,initial-scale=1"><title>{title} — lotwise backtest</title>
<style>{CSS}</style></head><body>
<header><h1>{title}</h1><p>{period} · {html.escape(bt.setup.universe.name)} ·
taxes paid from the {html.escape(tax.pay_from)} · {html.escape(tax_text)}</p></header>
<main>
<div class="cards">{''.join(cards)}</div>
<section><h2>What each strategy kept</h2><p class="lead">Value of the portfolio, taxes paid as
they fell due (log scale). Hover for values; click a name to hide it.</p>{legend}{wealth}
</section>
<section><h2>Growth of $1 after tax</h2><p class="lead">Time-weighted, so contributions and
withdrawals do not count; the dashed line is the target mix before tax.</p>{legend}{growth}
</section>
<section><h2>Is it saved or only deferred?</h2><p class="lead">Against
{html.escape(bt.config.benchmark)}: the value gained (solid), the extra tax waiting in its
lower cost bases (dashed, at a {100 * rate:.1f} % long-term rate), and what is left of the
gain if everything were sold that day (dotted). The dashed line is the part of the gain
that is a deferral, not a saving.</p>{legend}{deferral}</section>
<section><h2>Taxes by year</h2><p class="lead">Tax the portfolio added to the household's bill
(negative: it lowered it).</p>{legend}{tax_bars}</section>
<section><h2>Losses realized by year</h2>{legend}{loss_bars}</section>
<section><h2>Drift from target</h2><p class="lead">Share of the portfolio in the wrong class
(cash included).</p>{legend}{drift}</section>
<section><h2>All the figures</h2>{_metrics_table(bt)}</section>
<section><h2>Notes</h2><ul class="notes">{notes}
<li>Trades at the close; costs {bt.setup.costs.bps} bps plus ${bt.setup.costs.per_trade} a
trade; dividends {html.escape(bt.setup.dividends)}.</li>
<li>Wash sales are counted by replaying the whole journal through the lotwise ledger after
the run.</li></ul></section>
</main><script>{SCRIPT}</script></body></html>
"""
