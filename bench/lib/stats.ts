// Small statistics and the shape every measurement reports.

export function median(values: number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

/** One line of the results table (and one key of latest.json). */
export type Figure = {
  key: string;
  title: string;
  unit: string;
  /** The median over `runs` (or the figure itself when there is one sample). */
  value: number;
  runs?: number[];
  /** null: reported for context, no target. */
  target: number | null;
  /** Which side of the target passes. */
  better: "higher" | "lower";
  /** How the target was set, e.g. "0.5 × signing rate". */
  targetNote?: string;
  /** The machine's own limit for this figure, measured in the same run. */
  limit?: { title: string; value: number; unit: string };
  /** value ÷ limit (or another same-run ratio), with what it compares. */
  ratio?: { value: number; of: string };
  notes?: string;
  extra?: Record<string, unknown>;
};

export function passes(f: Figure): boolean | null {
  if (f.target === null || !Number.isFinite(f.value)) return f.target === null ? null : false;
  return f.better === "higher" ? f.value >= f.target : f.value <= f.target;
}
