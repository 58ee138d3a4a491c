// Sample for the reporter test: one passing and one failing test, nothing else wrong.
import { expect, it } from "vitest";

it("passes", () => expect(2 * 2).toBe(4));
it("fails", () => expect(2 * 2).toBe(5));
