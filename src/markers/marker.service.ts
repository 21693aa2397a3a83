import type { MarkerRepository } from "./marker.repository.ts";

/** The timelines Mastodon keeps a read position for. */
export const MARKER_TIMELINES = ["home", "notifications"] as const;
export type MarkerTimeline = (typeof MARKER_TIMELINES)[number];

export class MarkerService {
  private readonly markers: MarkerRepository;

  constructor(markers: MarkerRepository) {
    this.markers = markers;
  }

  get(accountId: bigint, timelines: readonly MarkerTimeline[]) {
    return this.markers.find(accountId, [...timelines]);
  }

  async lastReadId(accountId: bigint, timeline: MarkerTimeline): Promise<bigint | null> {
    return (await this.markers.find(accountId, [timeline]))[0]?.lastReadId ?? null;
  }

  async save(accountId: bigint, positions: Partial<Record<MarkerTimeline, bigint>>) {
    const saved = [];
    for (const timeline of MARKER_TIMELINES) {
      const id = positions[timeline];
      if (id !== undefined) saved.push(await this.markers.save(accountId, timeline, id));
    }
    return saved;
  }
}
