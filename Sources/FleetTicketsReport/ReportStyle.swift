/// The page's inline style sheet: system fonts only (nothing to download), tabular figures for
/// numbers, print-friendly.
enum ReportStyle {
    static let css = """
    :root{--ink:#1b1f24;--muted:#5b6570;--line:#d9dee3;--soft:#f4f6f8;--accent:#0072B2;--alert:#C4420A}
    *{box-sizing:border-box}
    body{margin:0;background:#fff;color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
    main{max-width:1200px;margin:0 auto;padding:28px 32px 40px}
    h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}
    h2{font-size:20px;margin:36px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--ink)}
    h3{font-size:16px;margin:0 0 8px}
    p{margin:4px 0}
    .lede{font-size:17px}
    .notice{padding:8px 12px;background:#fff6db;border-left:4px solid #d9a400;border-radius:4px}
    .muted,.caption,.note{color:var(--muted)}
    .caption{margin:-4px 0 12px;max-width:900px}
    .note{margin-top:8px;font-size:14px}
    .empty{padding:18px;background:var(--soft);border:1px dashed var(--line);border-radius:6px;color:var(--muted);text-align:center}
    .num,.value,.tick{font-variant-numeric:tabular-nums}
    .headline{margin:14px 0 20px}
    .cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:10px}
    @media (max-width:760px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}}
    .card{border:1px solid var(--line);border-top:4px solid var(--accent);border-radius:6px;padding:10px 12px;background:#fff}
    .card.alert{border-top-color:var(--alert)}
    .card .label{font-size:13px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
    .card .value{font-size:28px;font-weight:700;line-height:1.2;margin:2px 0}
    .card.alert .value{color:var(--alert)}
    .card .detail{font-size:13px;color:var(--muted)}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px 28px}
    figure{margin:0}
    figcaption p{color:var(--muted);font-size:14px;margin-bottom:6px}
    .chart-svg,.map-svg{width:100%;height:auto;display:block}
    .chart-svg .grid{stroke:#e6e9ec;stroke-width:1}
    .chart-svg .axis{stroke:#8a939b;stroke-width:1}
    .chart-svg text{font-size:12px;fill:#4a535c}
    .chart-svg .unit{font-weight:600}
    .chart-svg .ref{font-size:11px;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}
    .legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:13px}
    .legend li{display:flex;align-items:center;gap:6px}
    .map-svg{border:1px solid var(--line);border-radius:6px}
    .map-bg{fill:#f3f1ea}
    .basemap .lake{fill:#cfe3ef;stroke:#8fb5cc;stroke-width:.8}
    .basemap .coast{fill:none;stroke:#8fb5cc;stroke-width:1.2}
    .basemap .border{fill:none;stroke:#a39e93;stroke-width:1;stroke-dasharray:5 3}
    .graticule line{stroke:#ddd8cb;stroke-width:1}
    .graticule text{font-size:11px;fill:#8b8574}
    .map-mark{stroke-width:1.2}
    .map-mark.sla-breached{stroke:#5c1d03}
    .centroid{fill:#1b1f24}
    .cluster-label{font-size:13px;font-weight:700;fill:#1b1f24;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
    .scale rect{fill:#fff;opacity:.85}
    .scale path{fill:none;stroke:#1b1f24;stroke-width:1.5}
    .scale text{font-size:12px;fill:#1b1f24}
    .map-legend{font-size:14px;margin-top:10px}
    .map.inset{margin-top:22px}
    .cluster-block{margin-top:22px;max-width:760px}
    .map.inset .map-svg{max-width:900px}
    .team-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px 28px}
    table.teams{border-collapse:collapse;width:100%;font-size:14px}
    .teams th,.teams td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
    .teams thead th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);border-bottom:2px solid var(--ink)}
    .teams tbody th{font-weight:600;min-width:9em}
    .teams tbody tr:nth-child(even){background:var(--soft)}
    .teams tfoot th,.teams tfoot td{font-weight:700;border-top:2px solid var(--ink);border-bottom:0}
    .teams .num{text-align:right}
    .teams td{white-space:nowrap}
    .bar{display:inline-block;width:64px;height:9px;background:#e3e7eb;border-radius:2px;margin-right:8px;vertical-align:middle;overflow:hidden}
    .bar span{display:block;height:100%;background:var(--accent)}
    footer{margin-top:40px;padding-top:10px;border-top:1px solid var(--line);font-size:13px;color:var(--muted)}
    code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.92em;background:var(--soft);padding:0 3px;border-radius:3px}
    @media print{main{padding:0}h2{break-after:avoid}.chart,.map,.team-block{break-inside:avoid}}
    """
}
