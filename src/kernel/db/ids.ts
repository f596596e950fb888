import { v7 } from 'uuid';

/** Time-ordered UUIDs (v7), generated here because PostgreSQL 15 has no uuidv7(). */
export function newId(): string {
  return v7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
