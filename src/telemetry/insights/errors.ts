/** A query the parser refuses, with where in the query string it went wrong (AWS's queryCompileError). */
export class QuerySyntaxError extends Error {
  readonly start: number;
  readonly end: number;
  constructor(message: string, start: number, end: number) {
    super(message);
    this.name = "QuerySyntaxError";
    this.start = start;
    this.end = end;
  }
}

/** Line and 1-based column of an offset, as AWS words its compile errors. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1) ?? "").length + 1 };
}

/** AWS's wording: `unexpected symbol found <s> at line <l> and position <p>`. */
export function unexpected(source: string, text: string, start: number, end: number): QuerySyntaxError {
  const { line, column } = positionOf(source, start);
  const shown = text === "" ? "<EOF>" : text;
  return new QuerySyntaxError(`unexpected symbol found ${shown} at line ${line} and position ${column}`, start, end);
}
