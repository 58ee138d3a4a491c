// Apply's progress without a terminal (Ansible, cloud-init and CI logs): a line when each change
// starts and one when it ends, in order, and a failure stops at the failed change.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { plainRunner } from "../../src/apply/progress.js";

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

describe("progress without a terminal", () => {
  it("prints a started and a completed line per change, in the order the changes run", async () => {
    const out = capture();
    const ran: string[] = [];
    const group = (title: string) => ({ title, run: async () => void ran.push(title) });
    await plainRunner(out.stream)([
      group("Install emulator /x/qemu-arm"),
      group("Register qemu-arm"),
    ]);
    expect(ran).toEqual(["Install emulator /x/qemu-arm", "Register qemu-arm"]);
    expect(out.text()).toBe(
      "[STARTED] Install emulator /x/qemu-arm\n[COMPLETED] Install emulator /x/qemu-arm\n[STARTED] Register qemu-arm\n[COMPLETED] Register qemu-arm\n",
    );
  });

  it("marks the failed change, runs nothing after it, and passes its error on unchanged", async () => {
    const out = capture();
    const failure = new Error("EEXIST");
    let laterRan = false;
    const run = plainRunner(out.stream)([
      { title: "Register qemu-arm", run: async () => Promise.reject(failure) },
      {
        title: "Register qemu-mips",
        run: async () => {
          laterRan = true;
        },
      },
    ]);
    await expect(run).rejects.toBe(failure);
    expect(laterRan).toBe(false);
    expect(out.text()).toBe("[STARTED] Register qemu-arm\n[FAILED] Register qemu-arm\n");
  });
});
