/** The parsed form of a Logs Insights query. */

export type Expr =
  | { readonly k: "field"; readonly name: string }
  | { readonly k: "lit"; readonly value: string | number }
  | { readonly k: "regex"; readonly re: RegExp }
  | { readonly k: "duration"; readonly ms: number; readonly text: string }
  | { readonly k: "call"; readonly fn: string; readonly args: readonly Expr[]; readonly star?: boolean }
  | { readonly k: "binary"; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly k: "not"; readonly e: Expr }
  | { readonly k: "neg"; readonly e: Expr }
  | { readonly k: "in"; readonly e: Expr; readonly list: readonly Expr[] }
  | { readonly k: "like"; readonly e: Expr; readonly pattern: Expr };

/** An expression with the name its column gets: the alias, else its text in the query. */
export interface Named {
  readonly expr: Expr;
  readonly name: string;
}

export interface SortKey {
  readonly expr: Expr;
  readonly desc: boolean;
}

export type Command =
  | { readonly k: "fields"; readonly items: readonly Named[] }
  | { readonly k: "display"; readonly items: readonly Named[] }
  | { readonly k: "filter"; readonly expr: Expr }
  | { readonly k: "parse"; readonly source: Expr; readonly re: RegExp; readonly names: readonly string[] }
  | { readonly k: "stats"; readonly aggs: readonly Named[]; readonly by: readonly Named[] }
  | { readonly k: "sort"; readonly keys: readonly SortKey[] }
  | { readonly k: "limit"; readonly n: number }
  | { readonly k: "dedup"; readonly fields: readonly Expr[] };

export interface Query {
  readonly commands: readonly Command[];
}
