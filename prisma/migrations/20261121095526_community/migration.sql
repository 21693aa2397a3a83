-- CreateEnum
CREATE TYPE "DomainBlockSeverity" AS ENUM ('noop', 'silence', 'suspend');

-- AlterTable
ALTER TABLE "AccessToken" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "lastUsedAt" TIMESTAMP(3),
ADD COLUMN     "refreshTokenHash" TEXT;

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "noteSource" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "sensitizedAt" TIMESTAMP(3),
ADD COLUMN     "silencedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Status" ADD COLUMN     "applicationId" BIGINT,
ADD COLUMN     "conversationId" BIGINT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "disabledAt" TIMESTAMP(3),
ADD COLUMN     "email" TEXT,
ADD COLUMN     "inviteId" BIGINT,
ADD COLUMN     "lastSignInAt" TIMESTAMP(3),
ADD COLUMN     "locale" TEXT NOT NULL DEFAULT 'en',
ADD COLUMN     "passwordHash" TEXT,
ADD COLUMN     "reason" TEXT;

-- CreateTable
CREATE TABLE "AuthorizationCode" (
    "id" BIGINT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "applicationId" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "scopes" TEXT[],
    "codeChallenge" TEXT,
    "codeChallengeMethod" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuthorizationCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invite" (
    "id" BIGINT NOT NULL,
    "code" TEXT NOT NULL,
    "createdById" BIGINT,
    "maxUses" INTEGER,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3),
    "autoFollow" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Rule" (
    "id" BIGINT NOT NULL,
    "text" TEXT NOT NULL,
    "hint" TEXT NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Mute" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "targetId" BIGINT NOT NULL,
    "notifications" BOOLEAN NOT NULL DEFAULT true,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Mute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bookmark" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Bookmark_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatusPin" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StatusPin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" BIGINT NOT NULL,
    "uri" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountConversation" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "conversationId" BIGINT NOT NULL,
    "participantIds" BIGINT[],
    "lastStatusId" BIGINT,
    "unread" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountConversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationMute" (
    "accountId" BIGINT NOT NULL,
    "conversationId" BIGINT NOT NULL,

    CONSTRAINT "ConversationMute_pkey" PRIMARY KEY ("accountId","conversationId")
);

-- CreateTable
CREATE TABLE "List" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "title" TEXT NOT NULL,
    "repliesPolicy" TEXT NOT NULL DEFAULT 'list',
    "exclusive" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "List_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListAccount" (
    "listId" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,

    CONSTRAINT "ListAccount_pkey" PRIMARY KEY ("listId","accountId")
);

-- CreateTable
CREATE TABLE "ListFeedEntry" (
    "listId" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,

    CONSTRAINT "ListFeedEntry_pkey" PRIMARY KEY ("listId","statusId")
);

-- CreateTable
CREATE TABLE "Filter" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "title" TEXT NOT NULL,
    "context" TEXT[],
    "action" TEXT NOT NULL DEFAULT 'warn',
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Filter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FilterKeyword" (
    "id" BIGINT NOT NULL,
    "filterId" BIGINT NOT NULL,
    "keyword" TEXT NOT NULL,
    "wholeWord" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "FilterKeyword_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FilterStatus" (
    "id" BIGINT NOT NULL,
    "filterId" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,

    CONSTRAINT "FilterStatus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Marker" (
    "accountId" BIGINT NOT NULL,
    "timeline" TEXT NOT NULL,
    "lastReadId" BIGINT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Marker_pkey" PRIMARY KEY ("accountId","timeline")
);

-- CreateTable
CREATE TABLE "MediaAttachment" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "statusId" BIGINT,
    "type" TEXT NOT NULL,
    "storageKey" TEXT,
    "remoteUrl" TEXT,
    "mimeType" TEXT NOT NULL,
    "fileSize" INTEGER NOT NULL DEFAULT 0,
    "width" INTEGER,
    "height" INTEGER,
    "description" TEXT,
    "focusX" DOUBLE PRECISION,
    "focusY" DOUBLE PRECISION,
    "blurhash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MediaAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Poll" (
    "id" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,
    "options" TEXT[],
    "votes" INTEGER[],
    "votersCount" INTEGER NOT NULL DEFAULT 0,
    "multiple" BOOLEAN NOT NULL DEFAULT false,
    "hideTotals" BOOLEAN NOT NULL DEFAULT false,
    "expiresAt" TIMESTAMP(3),
    "uri" TEXT,

    CONSTRAINT "Poll_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PollVote" (
    "id" BIGINT NOT NULL,
    "pollId" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "choice" INTEGER NOT NULL,
    "uri" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PollVote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StatusEdit" (
    "id" BIGINT NOT NULL,
    "statusId" BIGINT NOT NULL,
    "content" TEXT NOT NULL,
    "spoilerText" TEXT NOT NULL DEFAULT '',
    "sensitive" BOOLEAN NOT NULL DEFAULT false,
    "mediaIds" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "pollOptions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StatusEdit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduledStatus" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "params" JSONB NOT NULL,
    "mediaIds" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScheduledStatus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Report" (
    "id" BIGINT NOT NULL,
    "accountId" BIGINT NOT NULL,
    "targetAccountId" BIGINT NOT NULL,
    "statusIds" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "ruleIds" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "comment" TEXT NOT NULL DEFAULT '',
    "category" TEXT NOT NULL DEFAULT 'other',
    "forwarded" BOOLEAN NOT NULL DEFAULT false,
    "uri" TEXT,
    "assignedToId" BIGINT,
    "actionTakenAt" TIMESTAMP(3),
    "actionTakenById" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DomainBlock" (
    "id" BIGINT NOT NULL,
    "domain" TEXT NOT NULL,
    "severity" "DomainBlockSeverity" NOT NULL DEFAULT 'silence',
    "rejectMedia" BOOLEAN NOT NULL DEFAULT false,
    "rejectReports" BOOLEAN NOT NULL DEFAULT false,
    "privateComment" TEXT,
    "publicComment" TEXT,
    "obfuscate" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DomainBlock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DomainAllow" (
    "id" BIGINT NOT NULL,
    "domain" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DomainAllow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CanonicalEmailBlock" (
    "id" BIGINT NOT NULL,
    "canonicalEmailHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CanonicalEmailBlock_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthorizationCode_codeHash_key" ON "AuthorizationCode"("codeHash");

-- CreateIndex
CREATE UNIQUE INDEX "Invite_code_key" ON "Invite"("code");

-- CreateIndex
CREATE INDEX "Mute_targetId_idx" ON "Mute"("targetId");

-- CreateIndex
CREATE UNIQUE INDEX "Mute_accountId_targetId_key" ON "Mute"("accountId", "targetId");

-- CreateIndex
CREATE INDEX "Bookmark_accountId_id_idx" ON "Bookmark"("accountId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Bookmark_accountId_statusId_key" ON "Bookmark"("accountId", "statusId");

-- CreateIndex
CREATE UNIQUE INDEX "StatusPin_accountId_statusId_key" ON "StatusPin"("accountId", "statusId");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_uri_key" ON "Conversation"("uri");

-- CreateIndex
CREATE INDEX "AccountConversation_accountId_lastStatusId_idx" ON "AccountConversation"("accountId", "lastStatusId");

-- CreateIndex
CREATE UNIQUE INDEX "AccountConversation_accountId_conversationId_key" ON "AccountConversation"("accountId", "conversationId");

-- CreateIndex
CREATE INDEX "List_accountId_idx" ON "List"("accountId");

-- CreateIndex
CREATE INDEX "ListAccount_accountId_idx" ON "ListAccount"("accountId");

-- CreateIndex
CREATE INDEX "Filter_accountId_idx" ON "Filter"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "FilterStatus_filterId_statusId_key" ON "FilterStatus"("filterId", "statusId");

-- CreateIndex
CREATE INDEX "MediaAttachment_statusId_idx" ON "MediaAttachment"("statusId");

-- CreateIndex
CREATE INDEX "MediaAttachment_accountId_id_idx" ON "MediaAttachment"("accountId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Poll_statusId_key" ON "Poll"("statusId");

-- CreateIndex
CREATE UNIQUE INDEX "PollVote_pollId_accountId_choice_key" ON "PollVote"("pollId", "accountId", "choice");

-- CreateIndex
CREATE INDEX "StatusEdit_statusId_id_idx" ON "StatusEdit"("statusId", "id");

-- CreateIndex
CREATE INDEX "ScheduledStatus_accountId_id_idx" ON "ScheduledStatus"("accountId", "id");

-- CreateIndex
CREATE INDEX "ScheduledStatus_scheduledAt_idx" ON "ScheduledStatus"("scheduledAt");

-- CreateIndex
CREATE UNIQUE INDEX "Report_uri_key" ON "Report"("uri");

-- CreateIndex
CREATE INDEX "Report_targetAccountId_idx" ON "Report"("targetAccountId");

-- CreateIndex
CREATE INDEX "Report_actionTakenAt_id_idx" ON "Report"("actionTakenAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "DomainBlock_domain_key" ON "DomainBlock"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "DomainAllow_domain_key" ON "DomainAllow"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "CanonicalEmailBlock_canonicalEmailHash_key" ON "CanonicalEmailBlock"("canonicalEmailHash");

-- CreateIndex
CREATE UNIQUE INDEX "AccessToken_refreshTokenHash_key" ON "AccessToken"("refreshTokenHash");

-- CreateIndex
CREATE INDEX "Status_conversationId_idx" ON "Status"("conversationId");

-- CreateIndex
CREATE INDEX "Status_local_visibility_id_idx" ON "Status"("local", "visibility", "id");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_inviteId_fkey" FOREIGN KEY ("inviteId") REFERENCES "Invite"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthorizationCode" ADD CONSTRAINT "AuthorizationCode_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "OAuthApplication"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthorizationCode" ADD CONSTRAINT "AuthorizationCode_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Status" ADD CONSTRAINT "Status_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invite" ADD CONSTRAINT "Invite_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("accountId") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mute" ADD CONSTRAINT "Mute_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mute" ADD CONSTRAINT "Mute_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bookmark" ADD CONSTRAINT "Bookmark_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bookmark" ADD CONSTRAINT "Bookmark_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatusPin" ADD CONSTRAINT "StatusPin_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatusPin" ADD CONSTRAINT "StatusPin_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountConversation" ADD CONSTRAINT "AccountConversation_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountConversation" ADD CONSTRAINT "AccountConversation_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationMute" ADD CONSTRAINT "ConversationMute_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "List" ADD CONSTRAINT "List_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListAccount" ADD CONSTRAINT "ListAccount_listId_fkey" FOREIGN KEY ("listId") REFERENCES "List"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListAccount" ADD CONSTRAINT "ListAccount_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListFeedEntry" ADD CONSTRAINT "ListFeedEntry_listId_fkey" FOREIGN KEY ("listId") REFERENCES "List"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Filter" ADD CONSTRAINT "Filter_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FilterKeyword" ADD CONSTRAINT "FilterKeyword_filterId_fkey" FOREIGN KEY ("filterId") REFERENCES "Filter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FilterStatus" ADD CONSTRAINT "FilterStatus_filterId_fkey" FOREIGN KEY ("filterId") REFERENCES "Filter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Marker" ADD CONSTRAINT "Marker_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediaAttachment" ADD CONSTRAINT "MediaAttachment_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediaAttachment" ADD CONSTRAINT "MediaAttachment_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Poll" ADD CONSTRAINT "Poll_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PollVote" ADD CONSTRAINT "PollVote_pollId_fkey" FOREIGN KEY ("pollId") REFERENCES "Poll"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PollVote" ADD CONSTRAINT "PollVote_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatusEdit" ADD CONSTRAINT "StatusEdit_statusId_fkey" FOREIGN KEY ("statusId") REFERENCES "Status"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScheduledStatus" ADD CONSTRAINT "ScheduledStatus_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Report" ADD CONSTRAINT "Report_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Report" ADD CONSTRAINT "Report_targetAccountId_fkey" FOREIGN KEY ("targetAccountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
