throw new TypeError("cjs config refuses to load");
module.exports = {};
