throw new Error("mjs config refuses to load");
export default {};
