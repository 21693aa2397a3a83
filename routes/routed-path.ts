import type { FastifyRequest } from "fastify";

/** A request's path as the router matches it: no query, a trailing slash ignored (ignoreTrailingSlash). */
export const routedPath = (request: FastifyRequest) => request.url.split("?")[0]!.replace(/(.)\/+$/, "$1");
