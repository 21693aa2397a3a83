import { describe, expect, it } from "vitest";
import { filterableText, isHidden, keywordPattern, matchFilters, type LoadedFilter } from "./filter.match.ts";

const status = (content: string, extra: Partial<Parameters<typeof matchFilters>[1]> = {}) => ({ id: 1n, content, spoilerText: "", attachments: [], ...extra });
const filter = (id: bigint, action: string, keywords: [string, boolean][], statusIds: bigint[] = []): LoadedFilter => ({
  id,
  action,
  keywords: keywords.map(([keyword, wholeWord], i) => ({ id: BigInt(i + 1), keyword, wholeWord })),
  statuses: statusIds.map((statusId, i) => ({ id: BigInt(100 + i), statusId })),
});

describe("keywordPattern", () => {
  it.each([
    ["cat", true, "a cat here", true],
    ["cat", true, "concatenate", false],
    ["cat", false, "concatenate", true],
    ["Café", true, "CAFÉ au lait", true],
    ["café", true, "cafés", false],
    ["#nsfw", true, "look #nsfw", true],
    ["#nsfw", true, "look #nsfwx", false],
    ["c++", true, "I like c++!", true],
    ["a.b", false, "axb", false],
  ])("%s (whole word %s) in %j: %s", (keyword, wholeWord, text, expected) => {
    expect(keywordPattern(keyword, wholeWord).test(text)).toBe(expected);
  });
});

describe("filterableText", () => {
  it("keeps paragraphs apart, decodes entities and includes the warning and media descriptions", () => {
    const text = filterableText(status("<p>one</p><p>two &amp; three</p>", { spoilerText: "cw", attachments: [{ description: "a dog" }] }));
    expect(text).toMatch(/^cw\n\n/);
    expect(text).toMatch(/one\s+two & three/);
    expect(text).toMatch(/a dog$/);
    expect(keywordPattern("onetwo", false).test(text)).toBe(false);
  });
});

describe("matchFilters", () => {
  it("reports keyword and status matches per filter, on the reblogged post", () => {
    const reblog = status("", { id: 2n, reblogOf: status("<p>spoiler inside</p>", { id: 3n }) });
    const matches = matchFilters([filter(10n, "warn", [["spoiler", true]]), filter(11n, "hide", [], [3n]), filter(12n, "warn", [["other", true]])], reblog);
    expect(matches.map((m) => [m.filter.id, m.keywordMatches, m.statusMatches])).toEqual([
      [10n, ["spoiler"], null],
      [11n, null, ["100"]],
    ]);
    expect(isHidden(matches)).toBe(true);
    expect(isHidden(matches.slice(0, 1))).toBe(false);
  });
});
