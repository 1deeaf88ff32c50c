/**
 * CSV (RFC 4180): comma-separated fields, double-quoted fields with `""` for a quote and line breaks inside,
 * CRLF or LF line ends, an optional UTF-8 byte-order mark. Each record carries the line it starts on, so that
 * every error an importer reports names the line a person sees in an editor.
 */
export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvError";
  }
}

/** Parses `text` into records; blank lines are skipped. Throws `CsvError` for an unterminated quote or a stray one. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new CsvError(start, "a quoted field is not closed");
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          field += c;
          i++;
        }
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          throw new CsvError(line, "text after a closing quote (quote a field whole, double any quote inside)");
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"') throw new CsvError(line, "a quote inside an unquoted field (quote the field whole)");
          field += text[i++];
        }
      }
      fields.push(field);
      if (text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    if (!(fields.length === 1 && fields[0].trim() === "")) records.push({ line: start, fields });
    line++;
  }
  return records;
}

/** Quotes a field when it needs it (a comma, a quote, a line break, leading/trailing space). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
