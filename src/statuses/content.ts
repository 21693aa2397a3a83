// Turns what a local user typed into the HTML other servers expect (the
// microformats Mastodon emits), and collects its mentions and hashtags.

export type MentionRef = { username: string; host: string | null; acct: string };
export type ResolvedMention = { ref: MentionRef; accountId: bigint; href: string; username: string };

const TOKEN =
  /(https?:\/\/[^\s<>"]+)|(?<![\w/@])@([a-z0-9_]+(?:[a-z0-9_.-]*[a-z0-9_])?)(?:@([a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?))?|(?<![\w&/#])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/giu;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function extractMentions(text: string): MentionRef[] {
  const out = new Map<string, MentionRef>();
  for (const m of text.matchAll(TOKEN)) {
    if (!m[2]) continue;
    const host = m[3]?.toLowerCase() ?? null;
    const acct = host ? `${m[2]}@${host}` : m[2];
    out.set(acct.toLowerCase(), { username: m[2], host, acct });
  }
  return [...out.values()];
}

export function extractHashtags(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(TOKEN)) if (m[4]) out.add(m[4].toLowerCase());
  return [...out];
}

export function renderStatusHtml(text: string, mentions: ResolvedMention[], tagUrl: (tag: string) => string): string {
  const byAcct = new Map(mentions.map((m) => [m.ref.acct.toLowerCase(), m]));
  const render = (line: string) => {
    let html = "";
    let last = 0;
    for (const m of line.matchAll(TOKEN)) {
      html += escapeHtml(line.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[1]) {
        html += link(m[1]);
      } else if (m[2]) {
        const acct = m[3] ? `${m[2]}@${m[3].toLowerCase()}` : m[2];
        const hit = byAcct.get(acct.toLowerCase());
        html += hit
          ? `<span class="h-card" translate="no"><a href="${escapeHtml(hit.href)}" class="u-url mention">@<span>${escapeHtml(hit.username)}</span></a></span>`
          : escapeHtml(m[0]);
      } else if (m[4]) {
        html += `<a href="${escapeHtml(tagUrl(m[4].toLowerCase()))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(m[4])}</span></a>`;
      }
    }
    return html + escapeHtml(line.slice(last));
  };
  return text
    .trim()
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split("\n").map(render).join("<br>")}</p>`)
    .join("");
}

function link(url: string): string {
  // Trailing punctuation usually ends the sentence, not the URL.
  const trimmed = url.replace(/[.,;:!?)]+$/, "");
  const rest = url.slice(trimmed.length);
  const shown = trimmed.replace(/^https?:\/\//, "");
  return `<a href="${escapeHtml(trimmed)}" rel="nofollow noopener noreferrer" target="_blank">${escapeHtml(shown)}</a>${escapeHtml(rest)}`;
}
