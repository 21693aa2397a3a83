-- CreateEnum
CREATE TYPE "Visibility" AS ENUM ('public', 'unlisted', 'private', 'direct');

-- CreateEnum
CREATE TYPE "FollowState" AS ENUM ('pending', 'accepted');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('owner', 'admin', 'moderator', 'user');

-- CreateTable
CREATE TABLE "Account" (
    "id" BIGINT NOT NULL,
    "username" TEXT NOT NULL,
    "domain" TEXT,
    "uri" TEXT NOT NULL,
    "url" TEXT,
    "actorType" TEXT NOT NULL DEFAULT 'Person',
    "displayName" TEXT NOT NULL DEFAULT '',
    "note" TEXT NOT NULL DEFAULT '',
    "avatarUrl" TEXT,
    "headerUrl" TEXT,
    "locked" BOOLEAN NOT NULL DEFAULT false,
    "bot" BOOLEAN NOT NULL DEFAULT false,
    "discoverable" BOOLEAN NOT NULL DEFAULT true,
    "fields" JSONB NOT NULL DEFAULT '[]',
    "inboxUrl" TEXT,
    "sharedInboxUrl" TEXT,
    "outboxUrl" TEXT,
    "followersUrl" TEXT,
    "followingUrl" TEXT,
    "featuredUrl" TEXT,
    "publicKeyPem" TEXT,
    "publicKeyId" TEXT,
    "followersCount" INTEGER NOT NULL DEFAULT 0,
    "followingCount" INTEGER NOT NULL DEFAULT 0,
    "statusesCount" INTEGER NOT NULL DEFAULT 0,
    "lastStatusAt" TIMESTAMP(3),
    "movedToUri" TEXT,
    "alsoKnownAs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "suspendedAt" TIMESTAMP(3),
    "fetchedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "accountId" BIGINT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'user',
    "approved" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "KeyPair" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateJwk" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KeyPair_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OAuthApplication" (
    "id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "website" TEXT,
    "clientId" TEXT NOT NULL,
    "clientSecret" TEXT NOT NULL,
    "redirectUris" TEXT[],
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessToken" (
    "id" BIGINT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "accountId" BIGINT,
    "applicationId" BIGINT,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AccessToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Follow" (
    "id" BIGINT NOT NULL,
    "followerId" BIGINT NOT NULL,
    "followingId" BIGINT NOT NULL,
    "uri" TEXT NOT NULL,
    "state" "FollowState" NOT NULL DEFAULT 'pending',
    "showReblogs" BOOLEAN NOT NULL DEFAULT true,
    "notify" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Follow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Status" (
    "id" BIGINT NOT NULL,
    "uri" TEXT NOT NULL,
    "url" TEXT,
    "accountId" BIGINT NOT NULL,
    "local" BOOLEAN NOT NULL DEFAULT false,
    "content" TEXT NOT NULL DEFAULT '',
    "text" TEXT,
    "spoilerText" TEXT NOT NULL DEFAULT '',
    "sensitive" BOOLEAN NOT NULL DEFAULT false,
    "visibility" "Visibility" NOT NULL DEFAULT 'public',
    "language" TEXT,
    "inReplyToId" BIGINT,
    "inReplyToUri" TEXT,
    "inReplyToAccountId" BIGINT,
    "reblogOfId" BIGINT,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "repliesCount" INTEGER NOT NULL DEFAULT 0,
    "reblogsCount" INTEGER NOT NULL DEFAULT 0,
    "favouritesCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "editedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Status_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Mention" (
    "statusId" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,

    CONSTRAINT "Mention_pkey" PRIMARY KEY ("statusId","accountId")
);

-- CreateTable
CREATE TABLE "Tag" (
    "id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatusTag" (
    "statusId" BIGINT NOT NULL,
    "tagId" BIGINT NOT NULL,

    CONSTRAINT "StatusTag_pkey" PRIMARY KEY ("statusId","tagId")
);

-- CreateTable
CREATE TABLE "Favourite" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,
    "uri" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Favourite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Block" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "targetId" BIGINT NOT NULL,
    "uri" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Block_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "fromAccountId" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "statusId" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HomeFeedEntry" (
    "accountId" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,

    CONSTRAINT "HomeFeedEntry_pkey" PRIMARY KEY ("accountId","statusId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Account_uri_key" ON "Account"("uri");

-- CreateIndex
CREATE INDEX "Account_domain_idx" ON "Account"("domain");

-- CreateIndex
CREATE INDEX "Account_sharedInboxUrl_idx" ON "Account"("sharedInboxUrl");

-- CreateIndex
CREATE UNIQUE INDEX "Account_username_domain_key" ON "Account"("username", "domain");

-- CreateIndex
CREATE UNIQUE INDEX "KeyPair_accountId_algorithm_key" ON "KeyPair"("accountId", "algorithm");

-- CreateIndex
CREATE UNIQUE INDEX "OAuthApplication_clientId_key" ON "OAuthApplication"("clientId");

-- CreateIndex
CREATE UNIQUE INDEX "AccessToken_tokenHash_key" ON "AccessToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Follow_uri_key" ON "Follow"("uri");

-- CreateIndex
CREATE INDEX "Follow_followingId_state_idx" ON "Follow"("followingId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "Follow_followerId_followingId_key" ON "Follow"("followerId", "followingId");

-- CreateIndex
CREATE UNIQUE INDEX "Status_uri_key" ON "Status"("uri");

-- CreateIndex
CREATE INDEX "Status_accountId_id_idx" ON "Status"("accountId", "id");

-- CreateIndex
CREATE INDEX "Status_visibility_id_idx" ON "Status"("visibility", "id");

-- CreateIndex
CREATE INDEX "Status_inReplyToId_idx" ON "Status"("inReplyToId");

-- CreateIndex
CREATE INDEX "Status_reblogOfId_idx" ON "Status"("reblogOfId");

-- CreateIndex
CREATE UNIQUE INDEX "Status_accountId_reblogOfId_key" ON "Status"("accountId", "reblogOfId");

-- CreateIndex
CREATE INDEX "Mention_accountId_idx" ON "Mention"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");

-- CreateIndex
CREATE INDEX "StatusTag_tagId_statusId_idx" ON "StatusTag"("tagId", "statusId");

-- CreateIndex
CREATE UNIQUE INDEX "Favourite_uri_key" ON "Favourite"("uri");

-- CreateIndex
CREATE INDEX "Favourite_statusId_idx" ON "Favourite"("statusId");

-- CreateIndex
CREATE UNIQUE INDEX "Favourite_accountId_statusId_key" ON "Favourite"("accountId", "statusId");

-- CreateIndex
CREATE UNIQUE INDEX "Block_uri_key" ON "Block"("uri");

-- CreateIndex
CREATE INDEX "Block_targetId_idx" ON "Block"("targetId");

-- CreateIndex
CREATE UNIQUE INDEX "Block_accountId_targetId_key" ON "Block"("accountId", "targetId");

-- CreateIndex
CREATE INDEX "Notification_accountId_id_idx" ON "Notification"("accountId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_accountId_fromAccountId_type_statusId_key" ON "Notification"("accountId", "fromAccountId", "type", "statusId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyPair" ADD CONSTRAINT "KeyPair_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessToken" ADD CONSTRAINT "AccessToken_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessToken" ADD CONSTRAINT "AccessToken_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "OAuthApplication"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Follow" ADD CONSTRAINT "Follow_followerId_fkey" FOREIGN KEY ("followerId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Follow" ADD CONSTRAINT "Follow_followingId_fkey" FOREIGN KEY ("followingId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Status" ADD CONSTRAINT "Status_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Status" ADD CONSTRAINT "Status_inReplyToId_fkey" FOREIGN KEY ("inReplyToId") REFERENCES "Status"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Status" ADD CONSTRAINT "Status_reblogOfId_fkey" FOREIGN KEY ("reblogOfId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mention" ADD CONSTRAINT "Mention_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mention" ADD CONSTRAINT "Mention_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatusTag" ADD CONSTRAINT "StatusTag_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatusTag" ADD CONSTRAINT "StatusTag_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Favourite" ADD CONSTRAINT "Favourite_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Favourite" ADD CONSTRAINT "Favourite_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Block" ADD CONSTRAINT "Block_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Block" ADD CONSTRAINT "Block_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_fromAccountId_fkey" FOREIGN KEY ("fromAccountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeFeedEntry" ADD CONSTRAINT "HomeFeedEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeFeedEntry" ADD CONSTRAINT "HomeFeedEntry_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;
