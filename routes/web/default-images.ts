import type { FastifyInstance } from "fastify";
import { PNG } from "pngjs";
import { paths } from "../../src/urls.ts";

// Mastodon's default avatar and header URLs, which apps load for every account
// without pictures. Drawn once in code (a silhouette on a light ground, and a
// plain ground) rather than kept as binary files.

const GROUND = [0xd9, 0xe1, 0xe8] as const;
const FIGURE = [0x9b, 0xae, 0xc8] as const;

/** A PNG whose pixel at (x, y) is the figure's colour where `inside` holds, sampled 4 times per pixel for smooth edges. */
function draw(width: number, height: number, inside: (x: number, y: number) => boolean): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let covered = 0;
      for (const [dx, dy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) if (inside(x + dx, y + dy)) covered++;
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(GROUND[c]! + ((FIGURE[c]! - GROUND[c]!) * covered) / 4);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/** A head and shoulders, in a 400 × 400 square as Mastodon's is. */
function avatar(): Buffer {
  const size = 400;
  return draw(size, size, (x, y) => {
    const head = (x - 200) ** 2 + (y - 160) ** 2 <= 72 ** 2;
    const shoulders = y >= 250 && ((x - 200) / 140) ** 2 + ((y - 400) / 150) ** 2 <= 1;
    return head || shoulders;
  });
}

const header = () => draw(1500, 500, () => false);

export function defaultImageRoutes(app: FastifyInstance) {
  const images = new Map<string, () => Buffer>([
    [paths.missingAvatar, avatar],
    [paths.missingHeader, header],
  ]);
  const made = new Map<string, Buffer>();
  for (const [path, make] of images) {
    app.get(path, async (_request, reply) => {
      let png = made.get(path);
      if (!png) made.set(path, (png = make()));
      return reply.type("image/png").header("cache-control", "public, max-age=86400").send(png);
    });
  }
}
