/**
 * Roles and the principals behind them. Grants, permissions and consumers name roles, never raw
 * principals: `pipeline` and `app` are the platform's own service principals; every other role is
 * declared in `lakehouse:principals` as a group, a service principal (application id) or a user.
 * Pure: unit-tested without mocks.
 */
import { PLATFORM_ROLES } from "../../policies/privileges";
import { Checker, PlainObject, keyPath } from "./validate";

export { PLATFORM_ROLES };

export const PRINCIPAL_KINDS = ["group", "servicePrincipal", "user"] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** A principal declared in config. `name` is what Unity Catalog grants and ACLs use. */
export interface DeclaredPrincipal {
    kind: PrincipalKind;
    /** Group display name, service principal application id, or user e-mail. */
    name: string;
}

export const PRINCIPALS_DEFAULTS: Record<string, { group?: string; servicePrincipal?: string; user?: string }> = {};

export const PRINCIPALS_KEYS = ["principals"] as const;

const ROLE_NAME = { pattern: /^[a-z][a-zA-Z0-9_-]{0,39}$/, allowed: "a role name: a lower-case letter, then letters, digits, _ or -" };
const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GROUP_NAME = /^[^\s].{0,254}$/;

/** Reads `lakehouse:principals`: role → `{ group }` | `{ servicePrincipal }` | `{ user }`. */
export function parsePrincipals(check: Checker, raw: PlainObject): Record<string, DeclaredPrincipal> {
    const principals: Record<string, DeclaredPrincipal> = {};
    const obj = check.object("principals", raw.principals);
    for (const [role, value] of Object.entries(obj)) {
        const key = keyPath("principals", role);
        if (!ROLE_NAME.pattern.test(role)) check.fail(key, value, ROLE_NAME.allowed);
        if ((PLATFORM_ROLES as readonly string[]).includes(role)) {
            check.fail(key, value, `a role other than ${PLATFORM_ROLES.join(" and ")} (those are the platform's own service principals)`);
            continue;
        }
        const entry = check.object(key, value, PRINCIPAL_KINDS);
        const kinds = PRINCIPAL_KINDS.filter((k) => entry[k] !== undefined);
        if (kinds.length !== 1) {
            check.fail(key, value, "exactly one of { group: <name> }, { servicePrincipal: <application id> }, { user: <e-mail> }");
            continue;
        }
        const kind = kinds[0];
        const name = entry[kind];
        const rule =
            kind === "group"
                ? { pattern: GROUP_NAME, allowed: "a group display name" }
                : kind === "servicePrincipal"
                  ? { pattern: APPLICATION_ID, allowed: "a service principal application id (a GUID)" }
                  : { pattern: EMAIL, allowed: "a user e-mail address" };
        const checked = check.string(keyPath(key, kind), name, "", rule);
        if (checked) principals[role] = { kind, name: checked };
    }
    return principals;
}

/** Every role a grant or permission may name: the platform roles plus the declared ones. */
export function knownRoles(principals: Record<string, DeclaredPrincipal>): string[] {
    return [...PLATFORM_ROLES, ...Object.keys(principals)];
}

/** Records an issue when `role` is neither a platform role nor declared in `lakehouse:principals`. */
export function checkRole(check: Checker, key: string, role: unknown, principals: Record<string, DeclaredPrincipal>): role is string {
    const roles = knownRoles(principals);
    if (typeof role !== "string" || !roles.includes(role)) {
        check.fail(key, role, `a role declared in lakehouse:principals or a platform role (known: ${roles.join(", ")})`);
        return false;
    }
    return true;
}
