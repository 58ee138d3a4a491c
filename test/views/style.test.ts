import { describe, expect, test } from "vitest";
import { chooseStyle, colourStyle, plainStyle, wantsColour } from "../../src/views/style.js";

const tty = { isTTY: true };
const pipe = { isTTY: false };
const ESC = "\x1b[";

describe("chooseStyle", () => {
  test("a TTY with an ordinary TERM gets colour", () => {
    expect(chooseStyle(tty, { TERM: "xterm-256color" })).toBe(colourStyle);
  });

  test("a pipe or file (no isTTY) gets no colour", () => {
    expect(chooseStyle(pipe, { TERM: "xterm" })).toBe(plainStyle);
    expect(chooseStyle({}, { TERM: "xterm" })).toBe(plainStyle);
  });

  test("NO_COLOR with any non-empty value turns colour off on a TTY", () => {
    expect(chooseStyle(tty, { NO_COLOR: "1", TERM: "xterm" })).toBe(plainStyle);
    expect(chooseStyle(tty, { NO_COLOR: "0", TERM: "xterm" })).toBe(plainStyle);
  });

  test("an empty NO_COLOR is ignored (no-color.org)", () => {
    expect(chooseStyle(tty, { NO_COLOR: "", TERM: "xterm" })).toBe(colourStyle);
  });

  test("TERM=dumb turns colour off on a TTY", () => {
    expect(chooseStyle(tty, { TERM: "dumb" })).toBe(plainStyle);
  });

  test("FORCE_COLOR forces colour on a pipe, over NO_COLOR and TERM=dumb", () => {
    expect(chooseStyle(pipe, { FORCE_COLOR: "1" })).toBe(colourStyle);
    expect(chooseStyle(pipe, { FORCE_COLOR: "" })).toBe(colourStyle);
    expect(chooseStyle(pipe, { FORCE_COLOR: "3", NO_COLOR: "1", TERM: "dumb" })).toBe(colourStyle);
  });

  test("FORCE_COLOR=0 or false forbids colour even on a TTY", () => {
    expect(wantsColour(tty, { FORCE_COLOR: "0", TERM: "xterm" })).toBe(false);
    expect(wantsColour(tty, { FORCE_COLOR: "false", TERM: "xterm" })).toBe(false);
  });
});

describe("the two styles", () => {
  const roles = ["added", "changed", "removed", "bold", "warning"] as const;

  test("the plain style returns text untouched for every role", () => {
    for (const role of roles) expect(plainStyle[role]("-/+ x")).toBe("-/+ x");
    expect(plainStyle.colour).toBe(false);
  });

  test("the colour style always emits escape codes, whatever this process's stdout is", () => {
    for (const role of roles) {
      const styled = colourStyle[role]("x");
      expect(styled.startsWith(ESC), role).toBe(true);
      expect(styled.replace(/\x1b\[[0-9;]*m/g, "")).toBe("x");
    }
    expect(colourStyle.colour).toBe(true);
  });

  test("the colour style emits escapes even when NO_COLOR is set in this process", () => {
    const saved = process.env.NO_COLOR;
    process.env.NO_COLOR = "1";
    try {
      expect(colourStyle.added("+")).toBe("\x1b[32m+\x1b[39m");
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  test("colours are the Terraform ones: green +, yellow ~, red -, bold headings", () => {
    expect(colourStyle.added("+")).toBe("\x1b[32m+\x1b[39m");
    expect(colourStyle.changed("~")).toBe("\x1b[33m~\x1b[39m");
    expect(colourStyle.removed("-")).toBe("\x1b[31m-\x1b[39m");
    expect(colourStyle.bold("Plan:")).toBe("\x1b[1mPlan:\x1b[22m");
  });
});
