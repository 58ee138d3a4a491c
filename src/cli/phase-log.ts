// What the progress display says about a source's work, as lines: one finished line per step
// (a download, a signature check, an extraction) and a live line for each step under way. Pure:
// events and the time in, text out; download-progress.ts puts the lines on a terminal or in a log.
import type { PhaseEvent, ProgressEvent } from "../sources/types.js";

interface Active {
  readonly since: number;
  line: (now: number) => string;
}

/** The lines of a resolution: steps finished, in the order they finished, and steps under way. */
export class PhaseLog {
  private readonly active = new Map<string, Active>();
  private readonly done: string[] = [];
  private readonly finishedDownloads = new Set<string>();

  /** A download's progress; returns its finished line once, when the last byte arrived. */
  download(event: ProgressEvent, now: number): string | null {
    const key = `download ${event.label}`;
    const since = this.startOf(key, now);
    if (event.totalBytes !== null && event.receivedBytes >= event.totalBytes) {
      this.active.delete(key);
      if (this.finishedDownloads.has(event.label)) return null;
      this.finishedDownloads.add(event.label);
      return this.finish(downloadedLine(event, now - since));
    }
    this.finishedDownloads.delete(event.label);
    this.setLine(key, since, (at) => `Downloading ${describe(event, at - since)}`);
    return null;
  }

  /** A signature check or an extraction; returns its finished line when it is done. */
  phase(event: PhaseEvent, now: number): string | null {
    const key = `${event.phase} ${event.label}`;
    const since = this.startOf(key, now);
    if (event.state === "done") {
      this.active.delete(key);
      return this.finish(finishedLine(event, now - since));
    }
    this.setLine(key, since, () => activeLine(event));
    return null;
  }

  /** Finished lines first, then one line per step under way. */
  lines(now: number): string[] {
    return [...this.done, ...[...this.active.values()].map((a) => a.line(now))];
  }

  private startOf(key: string, now: number): number {
    return this.active.get(key)?.since ?? now;
  }

  private setLine(key: string, since: number, line: (now: number) => string): void {
    this.active.set(key, { since, line });
  }

  private finish(line: string): string {
    this.done.push(line);
    return line;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "Downloaded x.deb (62.6 MB in 0.8 s, 83.1 MB/s)". */
function downloadedLine(event: ProgressEvent, elapsedMs: number): string {
  const bytes = event.receivedBytes;
  const rate = elapsedMs > 0 ? `, ${formatBytes((1000 * bytes) / elapsedMs)}/s` : "";
  return `Downloaded ${event.label} (${formatBytes(bytes)} in ${seconds(elapsedMs)}${rate})`;
}

/** The live line of a check or an extraction: no percentage (an extraction stops early). */
function activeLine(event: PhaseEvent): string {
  if (event.phase === "verify") return `Checking the signature of ${event.label}`;
  if (event.phase === "index") return `Searching ${event.label}: ${readSoFar(event)}`;
  return `Extracting from ${event.label}: ${readSoFar(event)}`;
}

function finishedLine(event: PhaseEvent, elapsedMs: number): string {
  if (event.phase === "verify") return `Checked ${event.label}: ${event.detail ?? "good"}`;
  if (event.phase === "index")
    return `Searched ${event.label}: ${event.detail ?? "done"} (${seconds(elapsedMs)})`;
  return `Extracted ${event.detail ?? "the emulators"} from ${event.label} (${readSoFar(event)} in ${seconds(elapsedMs)})`;
}

/** "12.3 MB of 62.6 MB read", or "12.3 MB read" when the whole is unknown. */
function readSoFar(event: PhaseEvent): string {
  const read = formatBytes(event.doneBytes ?? 0);
  const whole = event.totalBytes === undefined ? "" : ` of ${formatBytes(event.totalBytes)}`;
  return `${read}${whole} read`;
}

/**
 * "x.deb: 12.3 MB / 62.6 MB (19%), 8.1 MB/s, 6 s left", or just the bytes when the size is
 * unknown; speed and time left once some time has passed.
 */
export function describe(event: ProgressEvent, elapsedMs = 0): string {
  const got = formatBytes(event.receivedBytes);
  const rate = elapsedMs >= 250 ? (1000 * event.receivedBytes) / elapsedMs : 0;
  const speed = rate > 0 ? `, ${formatBytes(rate)}/s` : "";
  if (event.totalBytes === null || event.totalBytes === 0) return `${event.label}: ${got}${speed}`;
  const percent = Math.floor((100 * event.receivedBytes) / event.totalBytes);
  const left =
    rate > 0 && event.receivedBytes < event.totalBytes
      ? `, ${Math.ceil((event.totalBytes - event.receivedBytes) / rate)} s left`
      : "";
  return `${event.label}: ${got} / ${formatBytes(event.totalBytes)} (${percent}%)${speed}${left}`;
}

/** Human-readable byte counts in decimal units, as download tools print them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
