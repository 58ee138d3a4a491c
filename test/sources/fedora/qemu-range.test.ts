// The Fedora source's `qemu` range against a real signed repository on loopback: the newest
// build whose upstream QEMU satisfies it wins; none satisfying it, or a pin outside it, is a
// clear error listing what the release offers; the lock records the range.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SourceError } from "../../../src/errors.js";
import { readLockFile } from "../../../src/sources/lock.js";
import type { MirrorServer } from "../../helpers/debian-mirror.js";
import {
  fedoraRepo,
  RELEASE_VERSION,
  startFedoraServer,
  UPDATE_VERSION,
  type FedoraRepoFixture,
} from "../../helpers/fedora-repo.js";
import { fixtureSource, workspace } from "./harness.js";

let repo: FedoraRepoFixture;
let server: MirrorServer;

beforeAll(async () => {
  repo = await fedoraRepo();
  server = await startFedoraServer(repo);
}, 300_000);
afterAll(async () => server?.stop());
beforeEach(() => server.reset());

async function refusal(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe("Fedora source: the qemu range", () => {
  test("takes the newest build inside the range, not the newest overall, and locks the range", async () => {
    const ws = await workspace();
    const resolved = await fixtureSource(repo, server, { qemu: "<9.1.2" }).resolve(
      ["qemu-aarch64"],
      ws.context(),
    );
    expect(resolved[0]?.description).toBe(
      `qemu-user-static-aarch64 ${RELEASE_VERSION} (fedora 41)`,
    );
    const lock = await readLockFile(ws.lockFile);
    expect(lock?.source).toEqual({ type: "fedora", release: "41", qemu: "<9.1.2" });
    // Without the range the lock no longer applies: the newest build (from updates/) is taken.
    const widened = await fixtureSource(repo, server).resolve(["qemu-aarch64"], ws.context());
    expect(widened[0]?.description).toBe(`qemu-user-static-aarch64 ${UPDATE_VERSION} (fedora 41)`);
  });

  test("no build satisfying the range: the error lists what the release offers", async () => {
    const ws = await workspace();
    const error = await refusal(
      fixtureSource(repo, server, { qemu: ">=10.1" }).resolve(["qemu-aarch64"], ws.context()),
    );
    expect(error.message).toBe(
      'Fedora 41 (releases/41 and updates/41, x86_64) offers no qemu-user-static-aarch64 satisfying qemu ">=10.1"',
    );
    expect(error.hint).toContain(RELEASE_VERSION);
    expect(error.hint).toContain(UPDATE_VERSION);
    expect(await readLockFile(ws.lockFile)).toBeNull();
  });

  test("a pin outside the range is refused before any package is downloaded", async () => {
    const ws = await workspace();
    const error = await refusal(
      fixtureSource(repo, server, { qemu: ">=9.1.2", version: RELEASE_VERSION }).resolve(
        ["qemu-aarch64"],
        ws.context(),
      ),
    );
    expect(error.message).toBe(
      `source.version ${RELEASE_VERSION} is outside source.qemu ">=9.1.2"`,
    );
    expect(server.log.some((r) => r.path.endsWith(".rpm"))).toBe(false);
  });
});
