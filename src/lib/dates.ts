// Timestamps on the wire are ISO 8601 strings (docs/api.md); services convert rows with these.
export const toIso = (date: Date): string => date.toISOString();
export const toIsoOrNull = (date: Date | null | undefined): string | null =>
  date ? date.toISOString() : null;
