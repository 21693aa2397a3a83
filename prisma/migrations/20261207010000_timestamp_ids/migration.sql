-- Ids are made by PostgreSQL, as Mastodon's are: every process and host
-- draws from one sequence, so two rows made in the same millisecond never
-- share an id, whichever process made them. An id is the millisecond in the
-- high 48 bits (clients page by id, so ids are time-ordered) and, in the low
-- 16 bits, the sequence offset by a keyed hash of the millisecond, so the low
-- bits do not tell outsiders how many rows the server makes. Within one
-- millisecond 65,536 consecutive values of the sequence are all distinct.
--
-- A row dated in the past (a remote post's `published`) can meet an older
-- row of the same millisecond whose sequence value lay a multiple of 65,536
-- behind: the writer of such rows checks and draws again (see
-- StatusRepository.insert). Times in the future are taken as now.
CREATE SEQUENCE "kith_id_seq" AS bigint;

-- PL/pgSQL, not SQL: PostgreSQL plans an SQL function's body again in every
-- statement that calls it (about 0.1 ms each), and keeps PL/pgSQL's.
DO $do$
BEGIN
  -- The key is drawn once, when the function is made; it never leaves the database.
  EXECUTE format($f$
    CREATE FUNCTION kith_id(ms bigint) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $body$
    DECLARE
      at bigint := GREATEST(0, LEAST(ms, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint));
    BEGIN
      RETURN (at << 16) | (((nextval('kith_id_seq') & 65535) + (hashint8extended(at, %s) & 65535)) & 65535);
    END
    $body$
  $f$, floor(random() * 9007199254740991)::bigint);
END
$do$;

CREATE FUNCTION kith_id() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $body$
BEGIN
  RETURN kith_id(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint);
END
$body$;

ALTER TABLE "Account" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "KeyPair" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "OAuthApplication" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "AccessToken" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "PushSubscription" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "AuthorizationCode" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Follow" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Status" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Tag" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Favourite" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Block" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Notification" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Invite" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Rule" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Mute" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Bookmark" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "StatusPin" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Conversation" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "AccountConversation" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "List" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Filter" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "FilterKeyword" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "FilterStatus" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "MediaAttachment" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Poll" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "PollVote" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "StatusEdit" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "ScheduledStatus" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "Report" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "DomainBlock" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "DomainAllow" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "CanonicalEmailBlock" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "TagFollow" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "AccountNote" ALTER COLUMN "id" SET DEFAULT kith_id();
ALTER TABLE "AccountDomainBlock" ALTER COLUMN "id" SET DEFAULT kith_id();
