import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { escapeHtml } from "../../src/statuses/content.ts";
import { sendHtml } from "../web/views.ts";
import { plainTextToHtml } from "./text.ts";

// /terms and /privacy: the operator's plain-text documents as HTML; 404 until one is written.

export function documentPages(app: FastifyInstance, core: Core) {
  for (const [path, key, title] of [
    ["/terms", "terms", "Terms of service"],
    ["/privacy", "privacyPolicy", "Privacy policy"],
  ] as const) {
    app.get(path, async (_request, reply) => {
      const s = await core.settings.all();
      const text = s[key];
      if (!text.trim()) return sendHtml(core, reply, title, `<h1>${title}</h1><p>${escapeHtml(s.title)} has not published one.</p>`, 404);
      return sendHtml(core, reply, `${title} · ${s.title}`, `<h1>${title}</h1>${plainTextToHtml(text)}`);
    });
  }
}
