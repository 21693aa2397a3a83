// Errors with three faces: a status, a message safe to show a client, and the
// internal cause for the logs (5xx details never leave the server).

export class KithError extends Error {
  readonly status: number;
  readonly publicMessage: string;

  constructor(status: number, publicMessage: string, options?: { cause?: unknown; internal?: string }) {
    super(options?.internal ?? publicMessage, { cause: options?.cause });
    this.status = status;
    this.publicMessage = publicMessage;
  }
}

export const notFound = (what = "Record") => new KithError(404, `${what} not found`);
export const forbidden = (msg = "This action is not allowed") => new KithError(403, msg);
export const unprocessable = (msg: string) => new KithError(422, msg);
export const badRequest = (msg: string) => new KithError(400, msg);
