import "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** The request body exactly as received: HTTP signature digests are computed over it. */
    rawBody?: Buffer;
  }
}
