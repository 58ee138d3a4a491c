// Sample for the reporter test: the module throws while loading, so no test is ever collected.
import { it } from "vitest";

throw new Error("sample module fails to load");

it("is never collected", () => undefined);
