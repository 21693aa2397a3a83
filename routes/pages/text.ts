import { escapeHtml } from "../../src/statuses/content.ts";

/** The operator's plain text as HTML: escaped, blank lines make paragraphs, single newlines breaks. */
export function plainTextToHtml(text: string): string {
  return text
    .trim()
    .split(/\r?\n\s*\r?\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\r?\n/g, "<br>")}</p>`)
    .join("");
}
