const maxId = 2_147_483_647; // PostgreSQL integer

/** A path id as a positive integer that fits the database, or undefined (the caller answers 404). */
export function parseId(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[1-9]\d{0,9}$/.test(raw)) return undefined;
  const id = Number(raw);
  return id <= maxId ? id : undefined;
}
