// The three roles, ordered: each one may do everything the one before it may.
//   viewer  — search and read
//   triager — record and revert verdicts, file reports
//   admin   — import, sync, re-index, train, activate models, thresholds, manage users and tokens
export const ROLES = ["viewer", "triager", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function lowerRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}
