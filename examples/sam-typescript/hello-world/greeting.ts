/** Kept in its own module so the bundle has something to bundle. */
export function greeting(name: string): string {
  return `hello ${name}`;
}
