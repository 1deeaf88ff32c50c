/**
 * A strict parser of the TOML subset the Besu kit writes (scripts/lib/besu.ts): `key=value` lines and `#` comment
 * lines; values are basic strings, integers, booleans and one-line arrays of basic strings. Anything else throws,
 * naming the line: a generated file that drifts from the subset fails its test instead of being half-read.
 */
export type TomlValue = string | number | boolean | string[];

export function parseToml(text: string): Record<string, TomlValue> {
  const out: Record<string, TomlValue> = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!m) throw new Error(`toml line ${i + 1}: not key=value: ${raw}`);
    const [, key, value] = m;
    if (key in out) throw new Error(`toml line ${i + 1}: ${key} twice`);
    out[key] = parseValue(value, i + 1);
  });
  return out;
}

function parseValue(value: string, line: number): TomlValue {
  if (value === "true" || value === "false") return value === "true";
  if (/^-?[0-9]+$/.test(value)) return Number(value);
  if (value.startsWith('"')) return parseString(value, line);
  if (value.startsWith("[") && value.endsWith("]")) {
    const inner = value.slice(1, -1).trim();
    if (inner === "") return [];
    // Basic strings hold no comma in this kit's output (addresses, enode URLs, API names, hosts).
    return inner.split(",").map((item) => parseString(item.trim(), line));
  }
  throw new Error(`toml line ${line}: unsupported value: ${value}`);
}

function parseString(value: string, line: number): string {
  if (!/^"(?:[^"\\]|\\.)*"$/.test(value)) throw new Error(`toml line ${line}: not a basic string: ${value}`);
  return JSON.parse(value) as string;
}
