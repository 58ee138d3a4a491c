import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.js";
import { orderSteps } from "../../src/plan/steps.js";
import { config, convergedLive, desiredFor, emptyLive, liveEntry, request, sha } from "./fakes.js";

const flat = (groups: ReturnType<typeof orderSteps>) =>
  groups.flatMap((g) =>
    g.steps.map((s) => `${s.op} ${"name" in s ? s.name : "path" in s ? s.path : s.dir}`),
  );

describe("apply order", () => {
  it("mounts, installs files, then registers; a disabled target is registered then disabled", () => {
    const desired = desiredFor(config([request("aarch64"), request("arm", { enabled: false })]));
    const steps = flat(orderSteps(plan(desired, emptyLive({ mounted: false })).changes));
    expect(steps).toEqual([
      "mount /proc/sys/fs/binfmt_misc",
      "install /opt/qus/qemu-aarch64",
      "install /opt/qus/qemu-arm",
      "register qemu-aarch64",
      "register qemu-arm",
      "set-enabled qemu-arm",
    ]);
  });

  it("removes a replaced entry immediately before registering it again, after its new file is in place", () => {
    const cfg = config([request("aarch64"), request("riscv64")]);
    const steps = flat(
      orderSteps(plan(desiredFor(cfg, 2), convergedLive(desiredFor(cfg, 1))).changes),
    );
    expect(steps).toEqual([
      "install /opt/qus/qemu-aarch64",
      "install /opt/qus/qemu-riscv64",
      "unregister qemu-aarch64",
      "register qemu-aarch64",
      "unregister qemu-riscv64",
      "register qemu-riscv64",
    ]);
  });

  it("records the content hash of the interpreter each registration pins", () => {
    const desired = desiredFor(config([request("aarch64")]));
    const register = orderSteps(plan(desired, emptyLive()).changes)
      .flatMap((g) => g.steps)
      .find((s) => s.op === "register");
    expect(register).toMatchObject({ emulatorSha256: sha("qemu-aarch64") });
  });

  it("unregisters pruned entries before deleting the files they used", () => {
    const old = desiredFor(config([request("aarch64"), request("s390x")]));
    const live = convergedLive(old);
    const steps = flat(orderSteps(plan(desiredFor(config([request("aarch64")])), live).changes));
    expect(steps).toEqual(["unregister qemu-s390x", "remove-file /opt/qus/qemu-s390x"]);
  });

  it("enables in place without touching anything else", () => {
    const desired = desiredFor(config([request("aarch64")]));
    const live = { ...convergedLive(desired), entries: [liveEntry("aarch64", { enabled: false })] };
    const groups = orderSteps(plan(desired, live).changes);
    expect(groups.flatMap((g) => g.steps)).toEqual([
      { op: "set-enabled", name: "qemu-aarch64", enabled: true },
    ]);
  });
});
