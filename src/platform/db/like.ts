/** Escapes % and _ so user text in a LIKE pattern matches literally; returns a contains-pattern. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}
