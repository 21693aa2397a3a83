import type { Federation } from "@fedify/fedify";
import { Note } from "@fedify/vocab";
import type { Core } from "../src/core.ts";
import { parseId } from "../src/ids.ts";
import { paths } from "../src/urls.ts";
import { statusToNote } from "./mapping/note.ts";

export function registerObjects(federation: Federation<Core>) {
  federation
    .setObjectDispatcher(Note, paths.status, async (ctx, values) => {
      const id = parseId(values.id);
      if (id === null) return null;
      const status = await ctx.data.statuses.findById(id);
      if (!status || status.reblogOfId || status.account.username !== values.identifier || status.account.domain !== null) return null;
      // A poll is a Question; Fedify serves whatever object the dispatcher returns.
      return statusToNote(ctx, status) as Note;
    })
    // Followers-only and direct posts are served only to a signed fetch by
    // someone allowed to see them (Mastodon's authorized fetch for private posts).
    .authorize(async (ctx, values) => {
      const id = parseId(values.id);
      const status = id === null ? null : await ctx.data.statuses.findById(id);
      if (!status) return true;
      if (status.visibility === "public" || status.visibility === "unlisted") return true;
      const signer = await ctx.getSignedKeyOwner();
      if (!signer?.id) return false;
      const viewer = await ctx.data.accounts.findByUri(signer.id.href);
      return viewer ? ctx.data.statuses.canSee(status, viewer.id) : false;
    });
}
