// Sample for the reporter test: 2 passed, 1 failed, 1 skipped, 1 todo, plus a suite whose
// beforeAll fails (its 2 tests never run) and a suite whose afterAll fails after 1 pass.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

it("passes", () => expect(true).toBe(true));
it("fails", () => expect(1).toBe(2));
it.skip("is skipped", () => undefined);
it.todo("is a todo");

describe("setup breaks", () => {
  beforeAll(() => {
    throw new Error("beforeAll fails");
  });
  it("would pass 1", () => undefined);
  it("would pass 2", () => undefined);
});

describe("teardown breaks", () => {
  afterAll(() => {
    throw new Error("afterAll fails");
  });
  it("passes before teardown", () => undefined);
});
