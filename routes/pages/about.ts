import type { FastifyInstance } from "fastify";
import type { Core } from "../../src/core.ts";
import { escapeHtml } from "../../src/statuses/content.ts";
import { REGISTRATION } from "../web/registration-text.ts";
import { sendHtml } from "../web/views.ts";
import { loadInstance } from "../serializers/instance.ts";
import { plainTextToHtml } from "./text.ts";

// /about and /rules: what a visitor reads before joining. Plain, escaped
// HTML made from the operator's plain-text settings.

const rulesList = (rules: { text: string; hint: string }[]) =>
  `<ol>${rules.map((r) => `<li>${escapeHtml(r.text)}${r.hint ? `<br><small>${escapeHtml(r.hint)}</small>` : ""}</li>`).join("")}</ol>`;

export function aboutPages(app: FastifyInstance, core: Core) {
  app.get("/about", async (_request, reply) => {
    const { settings: s, rules, contact } = await loadInstance(core);
    const rulesHtml = rules.length ? `<section><h2>Rules</h2>${rulesList(rules)}</section>` : "";
    const contactLines = [
      s.contactEmail ? `<li>E-mail: <a href="mailto:${escapeHtml(s.contactEmail)}">${escapeHtml(s.contactEmail)}</a></li>` : "",
      contact ? `<li>Account: <a href="${escapeHtml(contact.url ?? contact.uri)}">@${escapeHtml(contact.username)}@${escapeHtml(core.config.domain)}</a></li>` : "",
    ].join("");
    const closed = s.closedRegistrationsMessage && (s.registrationMode === "closed" || s.registrationMode === "invite") ? plainTextToHtml(s.closedRegistrationsMessage) : "";
    const links = [s.terms ? `<a href="/terms">Terms of service</a>` : "", s.privacyPolicy ? `<a href="/privacy">Privacy policy</a>` : ""].filter(Boolean).join(" · ");
    const body = [
      `<h1>${escapeHtml(s.title)}</h1>`,
      `<p>${escapeHtml(s.shortDescription)}</p>`,
      s.about ? `<section><h2>About</h2>${plainTextToHtml(s.about)}</section>` : "",
      rulesHtml,
      `<section><h2>Joining</h2><p>${REGISTRATION[s.registrationMode]}</p>${closed}</section>`,
      contactLines ? `<section><h2>Contact</h2><ul>${contactLines}</ul></section>` : "",
      links ? `<footer>${links}</footer>` : "",
    ].join("");
    return sendHtml(core, reply, `About ${s.title}`, body);
  });

  app.get("/rules", async (_request, reply) => {
    const [s, rules] = await Promise.all([core.settings.all(), core.rules.list()]);
    const body = rules.length ? rulesList(rules) : `<p>${escapeHtml(s.title)} has no rules listed.</p>`;
    return sendHtml(core, reply, `Rules · ${s.title}`, `<h1>Rules of ${escapeHtml(s.title)}</h1>${body}`);
  });
}
