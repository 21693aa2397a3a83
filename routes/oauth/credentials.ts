// What the authorization form posts when it signs someone in: a login and a
// password. The route checks them; the rate limits count the attempt.

export type Credentials = { login: string; password: string };

/** The form's credentials, or null when the post only approves or denies for a browser already signed in. */
export function credentialsOf(body: unknown): Credentials | null {
  if (!body || typeof body !== "object" || Buffer.isBuffer(body)) return null;
  const { login, password } = body as Record<string, unknown>;
  if (typeof login !== "string" && typeof password !== "string") return null;
  return { login: typeof login === "string" ? login : "", password: typeof password === "string" ? password : "" };
}
