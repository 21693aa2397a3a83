// Origin rules checked on every inbox POST before Fedify sees it.
//
// 1. An activity's id lives on its actor's server. Fedify's queue remembers
//    processed activities by id alone, so a server that could send an
//    activity under another server's id would make us drop the real one.
// 2. Only a key on the actor's own server may speak for the actor. Fedify
//    believes the `owner` (or `controller`) that a key document claims, so a
//    key served by one host saying "I belong to an actor on another host"
//    would let that host impersonate the actor. A signature whose key lives
//    elsewhere is therefore no proof of the actor: the HTTP signature headers
//    are dropped (a forwarded activity may still carry the author's own Linked
//    Data signature or proof), and a Linked Data signature or proof made with
//    a key on another host is refused outright.

export type InboxVerdict =
  | { action: "pass" }
  | { action: "dropHttpSignature" }
  | { action: "reject"; status: number; message: string };

const PASS: InboxVerdict = { action: "pass" };

function originOf(value: unknown): string | null {
  const id = typeof value === "string" ? value : value && typeof value === "object" ? (value as { id?: unknown }).id : null;
  if (typeof id !== "string") return null;
  try {
    return new URL(id).origin;
  } catch {
    return null;
  }
}

/** The first actor, as Fedify reads it (`actorId` is the first of `actor`). */
function actorOrigin(actor: unknown): string | null {
  return originOf(Array.isArray(actor) ? actor[0] : actor);
}

/** keyId values of draft-cavage `Signature` and RFC 9421 `Signature-Input` headers. */
export function signatureKeyIds(headers: Headers): string[] {
  const ids: string[] = [];
  const cavage = headers.get("signature");
  if (cavage && !headers.get("signature-input")) {
    for (const m of cavage.matchAll(/(?:^|,)\s*keyId\s*=\s*"([^"]*)"/gi)) ids.push(m[1]!);
  }
  const input = headers.get("signature-input");
  if (input) for (const m of input.matchAll(/;\s*keyid\s*=\s*"([^"]*)"/gi)) ids.push(m[1]!);
  return ids;
}

function ldKeyIds(activity: Record<string, unknown>): string[] {
  const ids: string[] = [];
  const sig = activity.signature as { creator?: unknown } | undefined;
  if (sig && typeof sig === "object" && typeof sig.creator === "string") ids.push(sig.creator);
  const proofs = Array.isArray(activity.proof) ? activity.proof : activity.proof ? [activity.proof] : [];
  for (const p of proofs) {
    const method = (p as { verificationMethod?: unknown })?.verificationMethod;
    const id = typeof method === "string" ? method : (method as { id?: unknown })?.id;
    if (typeof id === "string") ids.push(id);
  }
  return ids;
}

const sameOriginAs = (origin: string) => (uri: string) => {
  try {
    return new URL(uri).origin === origin;
  } catch {
    return false;
  }
};

/**
 * Screens a POSTed activity (its headers and the body as the HTTP door already
 * decoded it) before signature verification.
 */
export function screenInboxPost(headers: Headers, activity: unknown): InboxVerdict {
  if (!activity || typeof activity !== "object" || Array.isArray(activity)) return PASS;
  const json = activity as Record<string, unknown>;
  const origin = actorOrigin(json.actor);
  if (origin === null) return PASS; // not an activity we can attribute; Fedify refuses it.
  if (json.id !== undefined && json.id !== null) {
    const idOrigin = originOf(json.id);
    if (idOrigin !== null && idOrigin !== origin) {
      return { action: "reject", status: 400, message: "The activity's id and its actor are on different hosts." };
    }
  }
  const onActorHost = sameOriginAs(origin);
  const ld = ldKeyIds(json);
  if (ld.some((k) => !onActorHost(k))) {
    return { action: "reject", status: 401, message: "The activity is signed with a key on another host than its actor's." };
  }
  const http = signatureKeyIds(headers);
  if (http.length && !http.every(onActorHost)) {
    if (ld.length) return { action: "dropHttpSignature" };
    return { action: "reject", status: 401, message: "The request is signed with a key on another host than the activity's actor." };
  }
  return PASS;
}
