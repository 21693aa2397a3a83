import { randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { notFound } from "../errors.ts";
import type { ApplicationRepository, OAuthApplication } from "./application.repository.ts";
import { DEFAULT_REQUEST_SCOPES, parseScopes } from "./scopes.ts";
import { hashSecret } from "./token.service.ts";

// OAuth client applications (POST /api/v1/apps). The client secret is shown
// once, at registration, and stored only as a hash.

export const OOB = "urn:ietf:wg:oauth:2.0:oob";

// Schemes a browser would run or read locally instead of handing the code to an app.
const UNSAFE_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:", "about:"]);

function redirectUriProblem(uri: string): string | null {
  if (uri === OOB) return null;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not an absolute URI`;
  }
  if (UNSAFE_SCHEMES.has(url.protocol)) return `${uri} uses a forbidden scheme`;
  if (url.hash || uri.includes("#")) return `${uri} must not contain a fragment`;
  return null;
}

/** One string (newline-separated, as Mastodon stores them) or a list. */
const redirectUris = z
  .union([z.string(), z.array(z.string())], { error: "redirect_uris is required" })
  .transform((v) => (Array.isArray(v) ? v : v.split(/\r?\n/)).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(2000, "a redirect URI is limited to 2000 characters")).min(1, "redirect_uris is required").max(20, "at most 20 redirect URIs"))
  .superRefine((uris, ctx) => {
    for (const uri of uris) {
      const problem = redirectUriProblem(uri);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }
  });

const scopeString = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || !v.trim()) return DEFAULT_REQUEST_SCOPES;
    const parsed = parseScopes(v);
    if ("unknown" in parsed) {
      ctx.addIssue({ code: "custom", message: `${parsed.unknown} is not a known scope` });
      return z.NEVER;
    }
    return parsed.scopes;
  });

const newApplication = z.object({
  client_name: z.string({ error: "client_name is required" }).trim().min(1, "client_name is required").max(60, "client_name is limited to 60 characters"),
  redirect_uris: redirectUris,
  scopes: scopeString,
  website: z
    .string()
    .trim()
    .max(2000, "website is limited to 2000 characters")
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), "website must be an http(s) URL"),
});

export type RegisteredApplication = { application: OAuthApplication; clientSecret: string };

export class ApplicationService {
  private readonly apps: ApplicationRepository;

  constructor(apps: ApplicationRepository) {
    this.apps = apps;
  }

  /** Validates Mastodon's app parameters (a ZodError, i.e. 422, when wrong) and registers the app. */
  async register(params: unknown): Promise<RegisteredApplication> {
    const input = newApplication.parse(params);
    const clientSecret = randomBytes(32).toString("base64url");
    const application = await this.apps.create({
      name: input.client_name,
      website: input.website,
      clientId: randomBytes(32).toString("base64url"),
      clientSecret: hashSecret(clientSecret),
      redirectUris: input.redirect_uris,
      scopes: input.scopes,
    });
    return { application, clientSecret };
  }

  async get(id: bigint): Promise<OAuthApplication> {
    const app = await this.apps.findById(id);
    if (!app) throw notFound("Record");
    return app;
  }

  findByClientId(clientId: string): Promise<OAuthApplication | null> {
    return this.apps.findByClientId(clientId);
  }

  /** The app, if the secret is its own (compared in constant time). */
  async authenticateClient(clientId: string, clientSecret: string): Promise<OAuthApplication | null> {
    const app = await this.apps.findByClientId(clientId);
    const expected = Buffer.from(app?.clientSecret ?? hashSecret(""), "hex");
    const actual = Buffer.from(hashSecret(clientSecret), "hex");
    return timingSafeEqual(expected, actual) && app ? app : null;
  }
}
