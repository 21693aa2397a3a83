// The BullMQ queues of an instance, by their names in Redis: the workers
// make them, `kith stats` reads them.

/** Kith's own jobs (federate, fan-out, media, polls, ...). */
export const JOBS_QUEUE = "kith-jobs";

/** Fedify's three queues. */
export const FEDIFY_QUEUES = ["inbox", "outbox", "fanout"] as const;

export const fedifyQueueName = (queue: (typeof FEDIFY_QUEUES)[number]) => `fedify-${queue}`;

export const ALL_QUEUES = [...FEDIFY_QUEUES.map(fedifyQueueName), JOBS_QUEUE];
