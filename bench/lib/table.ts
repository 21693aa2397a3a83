import { passes, type Figure } from "./stats.ts";

// The results table printed at the end of a run.

const fmt = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 100) return Math.round(v).toLocaleString("en-US");
  if (abs >= 10) return v.toFixed(1);
  return v.toFixed(abs >= 1 ? 2 : 3);
};

export function renderTable(figures: Figure[], failures: { name: string; error: string }[]): string {
  const header = ["Measurement", "Median", "Unit", "Runs", "Target", "Limit, same run", "Ratio", "Result"];
  const rows = figures.map((f) => {
    const ok = passes(f);
    return [
      f.title,
      fmt(f.value),
      f.unit,
      f.runs && f.runs.length > 1 ? f.runs.map((r) => fmt(r)).join(" ") : "",
      f.target === null ? "—" : `${f.better === "higher" ? "≥" : "≤"} ${fmt(f.target)}`,
      f.limit ? `${fmt(f.limit.value)} ${f.limit.unit} (${f.limit.title})` : "",
      f.ratio ? `${fmt(f.ratio.value)} (${f.ratio.of})` : "",
      ok === null ? "info" : ok ? "PASS" : "MISS",
    ];
  });
  for (const failure of failures) rows.push([`${failure.name}: FAILED`, "", "", "", "", "", "", "ERROR"]);
  const widths = header.map((h, i) => Math.min(i === 0 ? 60 : i === 5 ? 70 : 40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}
