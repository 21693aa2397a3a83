import { waitFor } from "./wait.ts";

// A client of Mastodon's server-sent events streaming API, over real HTTP:
// it keeps every event and comment it reads, for tests to wait on.

export type StreamEvent = { event: string; data: string };

export class EventStreamClient {
  readonly events: StreamEvent[] = [];
  readonly comments: string[] = [];
  readonly status: number;
  readonly headers: Headers;
  ended = false;
  private readonly abort: AbortController;

  private constructor(response: Response, abort: AbortController) {
    this.status = response.status;
    this.headers = response.headers;
    this.abort = abort;
    void this.read(response.body!);
  }

  /** Opens the stream; a refusal (any status but 200) is returned with its JSON body instead. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient | { status: number; body: any; headers: Headers }> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
    if (response.status !== 200) return { status: response.status, body: await response.json(), headers: response.headers };
    return new EventStreamClient(response, abort);
  }

  next(match: (e: StreamEvent) => boolean, what: string, timeoutMs = 20_000): Promise<StreamEvent> {
    return waitFor(async () => this.events.find(match), what, timeoutMs, 25);
  }

  close() {
    this.abort.abort();
  }

  /** SSE framing: `field: value` lines, `:` comments, a blank line ends an event. */
  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = "";
    let event = "message";
    let data: string[] = [];
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line === "") {
            if (data.length) this.events.push({ event, data: data.join("\n") });
            event = "message";
            data = [];
          } else if (line.startsWith(":")) this.comments.push(line.slice(1));
          else if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
    }
  }
}

export const isOpen = (c: Awaited<ReturnType<typeof EventStreamClient.open>>): c is EventStreamClient => c instanceof EventStreamClient;
