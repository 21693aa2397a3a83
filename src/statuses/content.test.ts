import { describe, expect, it } from "vitest";
import { extractHashtags, extractMentions, renderStatusHtml } from "./content.ts";
import { sanitizeRemoteHtml, stripHtml } from "./sanitize.ts";

const tag = (t: string) => `https://kith.example/tags/${t}`;

describe("local status text", () => {
  it("finds mentions with and without a host, ports included", () => {
    expect(extractMentions("hi @bob and @carol@remote.example, @dan@127.0.0.1:4102. mail a@b.c")).toEqual([
      { username: "bob", host: null, acct: "bob" },
      { username: "carol", host: "remote.example", acct: "carol@remote.example" },
      { username: "dan", host: "127.0.0.1:4102", acct: "dan@127.0.0.1:4102" },
    ]);
  });

  it("finds hashtags, not anchors or numbers", () => {
    expect(extractHashtags("#Tea and #café, not https://x.example/#frag nor #123")).toEqual(["tea", "café"]);
  });

  it("escapes HTML, links URLs, keeps line breaks and paragraphs", () => {
    const html = renderStatusHtml("<b>hi</b> see https://example.com/a?b=1.\nline two\n\npara #two", [], tag);
    expect(html).toBe(
      '<p>&lt;b&gt;hi&lt;/b&gt; see <a href="https://example.com/a?b=1" rel="nofollow noopener noreferrer" target="_blank">example.com/a?b=1</a>.<br>line two</p>' +
        '<p>para <a href="https://kith.example/tags/two" class="mention hashtag" rel="tag">#<span>two</span></a></p>',
    );
  });

  it("renders resolved mentions as Mastodon's h-card links and leaves unknown ones as text", () => {
    const html = renderStatusHtml("@bob@remote.example @ghost", [{ ref: { username: "bob", host: "remote.example", acct: "bob@remote.example" }, accountId: 1n, href: "https://remote.example/@bob", username: "bob" }], tag);
    expect(html).toBe('<p><span class="h-card" translate="no"><a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a></span> @ghost</p>');
  });
});

describe("remote HTML", () => {
  it("drops scripts, event handlers and javascript: links, keeps mentions", () => {
    const out = sanitizeRemoteHtml('<p onclick="x()">hi <script>alert(1)</script><a href="javascript:alert(1)">x</a> <span class="h-card"><a href="https://r.example/@a" class="u-url mention evil">@a</a></span><img src=x onerror=alert(1)></p>');
    expect(out).not.toMatch(/script|onclick|onerror|javascript|<img|evil/);
    expect(out).toContain('class="u-url mention"');
    expect(out).toContain('rel="nofollow noopener noreferrer"');
  });

  it("strips all markup from plain-text fields", () => {
    expect(stripHtml("<b>Al</b>ice<script>x</script>")).toBe("Alice");
  });
});
