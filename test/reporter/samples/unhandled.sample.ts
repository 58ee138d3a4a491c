// Sample for the reporter test: the only test passes, but leaves an error nobody handles.
import { it } from "vitest";

it("passes but leaks a rejection", async () => {
  void Promise.reject(new Error("unhandled sample rejection"));
  await new Promise((resolve) => setTimeout(resolve, 50));
});
