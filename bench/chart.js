// Draws bench/latency-vs-rate.svg from bench/compare.sh's table: relay
// latency (p50 dashed, p99 solid) against the offered rate, for the front
// door and the Node peer, on log scales. No dependencies.
//
//   node bench/chart.js bench/results/compare.tsv bench/latency-vs-rate.svg
"use strict";
const fs = require("node:fs");
const [table, out] = process.argv.slice(2);
const lines = fs.readFileSync(table, "utf8").trim().split("\n");
const head = lines[0].split("\t");
const rows = lines.slice(1).map((l) => Object.fromEntries(l.split("\t").map((v, i) => [head[i], v])));
const sweep = rows.filter((r) => r.scenario === "sweep" && Number(r.relay_p99) > 0);
const systems = [...new Set(sweep.map((r) => r.system))];
const colours = { "front door": "#1f6f5c", "node peer": "#c0392b" };
const W = 720, H = 420, L = 70, R = 170, T = 40, B = 60;
const rates = sweep.map((r) => Number(r.offered_msg_s));
// Log scale on both axes: the rates double from step to step.
const xmax = Math.max(...rates, 1) * 1.15, xmin = Math.max(1, Math.min(...rates) / 1.3);
const ys = sweep.flatMap((r) => [Number(r.relay_p50), Number(r.relay_p99)]).filter((v) => v > 0);
const ymin = Math.min(0.5, ...ys), ymax = Math.max(100, ...ys);
const x = (v) => L + ((W - L - R) * (Math.log10(v) - Math.log10(xmin))) / (Math.log10(xmax) - Math.log10(xmin));
const y = (v) => T + (H - T - B) * (1 - (Math.log10(Math.max(v, ymin)) - Math.log10(ymin)) / (Math.log10(ymax) - Math.log10(ymin)));
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n`;
svg += `<rect width="${W}" height="${H}" fill="white"/>\n`;
svg += `<text x="${L}" y="22" font-size="14">Relay latency vs offered rate, ${sweep[0] ? sweep[0].conversations : ""} conversations (log scale)</text>\n`;
for (let d = Math.ceil(Math.log10(ymin)); d <= Math.log10(ymax); d++) {
  for (const m of [1, 2, 5]) {
    const v = m * 10 ** d;
    if (v < ymin || v > ymax) continue;
    svg += `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v} ms</text>\n`;
  }
}
svg += `<line x1="${L}" x2="${W - R}" y1="${y(40)}" y2="${y(40)}" stroke="#888" stroke-dasharray="2,3"/><text x="${W - R + 4}" y="${y(40) + 4}" fill="#888">p99 limit 40 ms</text>\n`;
for (const r of [...new Set(rates)]) {
  svg += `<text x="${x(r)}" y="${H - B + 18}" text-anchor="middle">${r}</text><line x1="${x(r)}" x2="${x(r)}" y1="${H - B}" y2="${H - B + 5}" stroke="#333"/>\n`;
}
svg += `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>\n`;
svg += `<text x="${(L + W - R) / 2}" y="${H - 15}" text-anchor="middle">offered visitor messages per second (log scale)</text>\n`;
systems.forEach((s, i) => {
  const pts = sweep.filter((r) => r.system === s).sort((a, b) => a.offered_msg_s - b.offered_msg_s);
  const colour = colours[s] || "#555";
  for (const [key, dash] of [["relay_p99", ""], ["relay_p50", "5,4"]]) {
    const path = pts.map((r) => `${x(Number(r.offered_msg_s))},${y(Number(r[key]))}`).join(" ");
    svg += `<polyline fill="none" stroke="${colour}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ""} points="${path}"/>\n`;
    pts.forEach((r) => (svg += `<circle cx="${x(Number(r.offered_msg_s))}" cy="${y(Number(r[key]))}" r="3" fill="${colour}"/>\n`));
  }
  svg += `<line x1="${W - R + 10}" x2="${W - R + 35}" y1="${T + 20 + i * 40}" y2="${T + 20 + i * 40}" stroke="${colour}" stroke-width="2"/><text x="${W - R + 40}" y="${T + 24 + i * 40}">${s} p99</text>\n`;
  svg += `<line x1="${W - R + 10}" x2="${W - R + 35}" y1="${T + 36 + i * 40}" y2="${T + 36 + i * 40}" stroke="${colour}" stroke-width="2" stroke-dasharray="5,4"/><text x="${W - R + 40}" y="${T + 40 + i * 40}">${s} p50</text>\n`;
});
svg += "</svg>\n";
fs.writeFileSync(out, svg);
