// Generated registrations through the real kernel (a private instance): what the encoder writes,
// the kernel stores and prints, and parseEntry reads back must be what was asked for. The same
// cases check test/kernel/kernel-model.ts byte for byte, which the fast property tests rely on.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readBinfmt, registerEntry, removeEntry } from "../../src/kernel/binfmt.js";
import { encodeRegisterLine } from "../../src/kernel/register-line.js";
import { startSandbox, type Sandbox } from "../helpers/sandbox.js";
import { registerRequest } from "./arbitraries.js";
import { modelPrint, modelRegister } from "./kernel-model.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

it("200 generated registrations read back as requested, exactly as the model prints them", async () => {
  // Nothing is executed inside this sandbox, so random masks matching real files do no harm.
  await fc.assert(
    fc.asyncProperty(registerRequest(process.execPath), async (request) => {
      const line = encodeRegisterLine(request);
      await registerEntry(sandbox.binfmtDir, line);
      try {
        const text = await readFile(join(sandbox.binfmtDir, request.name), "utf8");
        expect(text).toBe(modelPrint(modelRegister(line)));
        const entry = (await readBinfmt(sandbox.binfmtDir)).entries.find(
          (e) => e.name === request.name,
        );
        const flags = new Set(request.flags);
        if (flags.has("C")) flags.add("O");
        expect(entry).toEqual({
          name: request.name,
          enabled: true,
          type: "M",
          interpreter: request.interpreter,
          flags: [..."POCF"].filter((f) => flags.has(f)).join(""),
          offset: request.offset,
          magic: request.magic.toLowerCase(),
          mask: request.mask === null ? null : request.mask.toLowerCase(),
        });
      } finally {
        await removeEntry(sandbox.binfmtDir, request.name);
      }
    }),
    { numRuns: 200 },
  );
  expect((await readBinfmt(sandbox.binfmtDir)).entries).toEqual([]);
});
