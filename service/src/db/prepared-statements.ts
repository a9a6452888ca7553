/**
 * Driver options that make a statement a named prepared statement: the pg driver parses and plans it once
 * per connection and then only binds and executes it. For the hottest reads and the vote this halves the
 * server's work per query (docs/benchmarks.md, "Figures behind the code"). Knex hands these options to the
 * driver as they are; PGlite ignores them. A name must always go with the same SQL text.
 */
export function preparedAs(name: string): { readonly name: string } {
  return { name };
}
