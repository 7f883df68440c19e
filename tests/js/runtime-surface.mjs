// What a running JS value offers, read from the value itself: the parameters of a function
// (parsed from its source), a class's constructor parameters, an object's members. Used by
// surface.test.mjs to compare the packed packages with their declarations.

/** The parameter names of a function, parsed from its source (destructured ones as `{…}`/`[…]`). */
export function parameterNames(f, source = Function.prototype.toString.call(f)) {
  const names = [];
  let i = source.indexOf("(");
  const arrow = source.search(/=>/);
  if (arrow !== -1 && (i === -1 || arrow < i)) {
    // `x => …`: one parameter without parentheses.
    return [{ name: source.slice(0, arrow).replace(/^async\s+/, "").trim(), optional: false, rest: false }];
  }
  let depth = 0, current = "", quote = null;
  for (i += 1; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      current += c;
      if (c === "\\") current += source[++i];
      else if (c === quote) quote = null;
      continue;
    }
    if (source.startsWith("//", i)) { i = source.indexOf("\n", i); continue; }
    if (source.startsWith("/*", i)) { i = source.indexOf("*/", i) + 1; continue; }
    if (c === '"' || c === "'" || c === "`") { quote = c; current += c; continue; }
    if ("([{".includes(c)) depth++;
    if (")]}".includes(c)) {
      if (depth === 0) break;
      depth--;
    }
    if (c === "," && depth === 0) { names.push(current); current = ""; continue; }
    current += c;
  }
  if (current.trim() !== "") names.push(current);
  return names.map((p) => {
    const t = p.trim();
    const name = t.startsWith("{") ? "{…}" : t.startsWith("[") ? "[…]" : t.match(/^(\.\.\.)?\s*([\w$]+)/)?.slice(1).join("") ?? t;
    return { name, optional: hasDefault(t), rest: name.startsWith("...") };
  });
}

/** Whether a parameter's source has a default: an `=` outside its destructuring pattern. */
function hasDefault(param) {
  let depth = 0;
  for (const c of param) {
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "=" && depth === 0) return true;
  }
  return false;
}

/** A class's constructor parameters: its own `constructor(…)`, or its base class's. */
export function constructorParameters(cls) {
  const source = Function.prototype.toString.call(cls);
  // The class body's own constructor: `constructor(` at the body's first nesting level.
  let depth = 0, quote = null;
  for (let i = source.indexOf("{"); i < source.length; i++) {
    const c = source[i];
    if (quote) { if (c === "\\") i++; else if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'" || c === "`") { quote = c; continue; }
    if (source.startsWith("//", i)) { i = source.indexOf("\n", i); continue; }
    if (source.startsWith("/*", i)) { i = source.indexOf("*/", i) + 1; continue; }
    if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (depth === 1 && source.startsWith("constructor(", i) && !/[\w$#.]/.test(source[i - 1])) {
      return parameterNames(null, source.slice(i));
    }
  }
  const base = Object.getPrototypeOf(cls);
  return base === Function.prototype || base === Error ? [] : constructorParameters(base);
}

export const isClass = (f) => typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));
const builtinStatics = new Set(["length", "name", "prototype", "caller", "arguments"]);

/**
 * The members of a run-time object: own properties, and those of its prototypes up to a built-in
 * one (Object.prototype, Error.prototype, Function.prototype). Each with how it is held.
 */
export function runtimeMembers(value, { statics = false } = {}) {
  const members = new Map();
  const builtins = [Object.prototype, Error.prototype, Function.prototype, Function, Error, Object];
  for (let o = value; o !== null && !builtins.includes(o); o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === "constructor" && o !== value) continue;
      if (statics && builtinStatics.has(key)) continue;
      if (members.has(key)) continue;
      const d = Object.getOwnPropertyDescriptor(o, key);
      members.set(key, d.get ? { kind: "getter" } : typeof d.value === "function" ? { kind: "method", fn: d.value } : { kind: "value" });
    }
  }
  members.delete("constructor");
  return members;
}
