// Mastodon's List entity.
export function serializeList(l: { id: bigint; title: string; repliesPolicy: string; exclusive: boolean }) {
  return { id: String(l.id), title: l.title, replies_policy: l.repliesPolicy, exclusive: l.exclusive };
}
