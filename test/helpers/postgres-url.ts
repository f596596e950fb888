/** The same server as DATABASE_URL, another database on it. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A database to run CREATE/DROP DATABASE from: the one DATABASE_URL names. */
export function adminUrl(url: string): string {
  return url;
}
