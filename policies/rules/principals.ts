/**
 * Who a grant, permission or ACL names. Policy config allow-lists principals with *selectors*:
 *
 * - an exact principal name, as Unity Catalog and workspace ACLs spell it: a group display name
 *   (`data-analysts`, `account users`), a service principal application id, or a user e-mail;
 * - `role:<role>`, a principal the program creates, recognised by its marker in the stack:
 *   a Databricks service principal or Entra application whose display name is `<role>` or ends in
 *   `-<role>` (the naming convention of `components/naming.ts`: `lakehouse-prod-pipeline`), or,
 *   for `role:app`, the service principal of a `databricks.App`.
 *
 * A `role:` selector is how the pack names the pipeline identity: its application id only exists
 * after the first deployment, and differs per stack. Matching is by value (the grant's principal
 * equals the marked service principal's `applicationId` input) and, while the value is still
 * unknown during a first preview, by dependency (the grant's principals come from exactly one
 * marked resource that no other entry of the same resource already accounts for).
 */
import type { PolicyResource } from "@pulumi/policy";
import { PLATFORM_ROLES } from "../privileges";
import { Maybe, TYPES, UNKNOWN, knownString } from "./util";

/** Who a grant entry names, as far as the preview knows. */
export interface Subject {
    /** The principal as written in the resource, when known. */
    principal?: string;
    /** The platform role recognised from the stack's markers, if any. */
    role?: string;
}

const ROLE_PREFIX = "role:";

/** Whitespace and the invisible format characters (zero-width space/joiners, word joiner, BOM) at either end of a name. */
const EDGES = /^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g;

/**
 * The one form principal names are compared in, everywhere the pack compares them: Unicode NFC,
 * no whitespace or invisible characters at either end, case-folded. Databricks resolves group
 * names, user e-mails and application ids without regard to case, and `"account users "` names
 * the same group as `"account users"`; without this a trailing space, a capital letter or a
 * decomposed accent would let a principal slip past an everyone-group check or an allow-list.
 */
export function normalizePrincipal(name: string): string {
    return name.normalize("NFC").replace(EDGES, "").toLowerCase().normalize("NFC");
}

/** True when two principal names name the same principal. */
export function samePrincipal(a: string, b: string): boolean {
    return normalizePrincipal(a) === normalizePrincipal(b);
}

/** The role a `role:<role>` selector names (normalised), or undefined for a principal-name selector. */
function selectorRole(selector: string): string | undefined {
    const s = normalizePrincipal(selector);
    return s.startsWith(ROLE_PREFIX) ? s.slice(ROLE_PREFIX.length).replace(EDGES, "") : undefined;
}

/** The roles `role:<role>` selectors name, plus the platform roles (so messages can name them). */
export function selectorRoles(selectors: Iterable<string>): string[] {
    const roles = new Set<string>(PLATFORM_ROLES);
    for (const s of selectors) {
        const role = selectorRole(s);
        if (role) roles.add(role);
    }
    return [...roles];
}

/** The role a display name marks: `<role>` itself or anything ending in `-<role>`. */
export function roleOfDisplayName(displayName: string, roles: readonly string[]): string | undefined {
    const name = normalizePrincipal(displayName);
    return roles.find((r) => {
        const role = normalizePrincipal(r);
        return name === role || name.endsWith(`-${role}`);
    });
}

/** `role:pipeline (1b4…)`, `"data-analysts"`, or "a principal not known until deployment". */
export function describeSubject(subject: Subject): string {
    if (subject.role) return `${ROLE_PREFIX}${subject.role}${subject.principal ? ` (${subject.principal})` : ""}`;
    if (subject.principal !== undefined) return `"${subject.principal}"`;
    return "a principal not known until deployment";
}

/** A stable key to group a subject's privileges by. */
export function subjectKey(subject: Subject): string {
    if (subject.role) return `${ROLE_PREFIX}${subject.role}`;
    return subject.principal !== undefined ? normalizePrincipal(subject.principal) : "?";
}

/** True when any selector names the subject. */
export function matchesAny(selectors: readonly string[], subject: Subject): boolean {
    return selectors.some((s) => {
        const role = selectorRole(s);
        if (role !== undefined) return subject.role !== undefined && normalizePrincipal(subject.role) === role;
        return subject.principal !== undefined && samePrincipal(subject.principal, s);
    });
}

/** Markers found in the stack: which resource and which application id plays which role. */
export class PrincipalDirectory {
    private readonly roleByApplicationId = new Map<string, string>();
    private readonly roleByUrn = new Map<string, string>();

    constructor(resources: readonly PolicyResource[], roles: readonly string[]) {
        for (const r of resources) {
            let role: string | undefined;
            if (r.type === TYPES.servicePrincipal || r.type === TYPES.entraApplication || r.type === TYPES.entraApplicationRegistration) {
                const displayName = knownString(() => r.props.displayName);
                role = displayName === undefined ? undefined : roleOfDisplayName(displayName, roles);
            } else if (r.type === TYPES.app && roles.includes("app")) {
                role = "app";
            }
            if (!role) continue;
            this.roleByUrn.set(r.urn, role);
            if (r.type === TYPES.servicePrincipal) {
                const applicationId = knownString(() => r.props.applicationId);
                if (applicationId) this.roleByApplicationId.set(normalizePrincipal(applicationId), role);
            }
        }
    }

    /**
     * The subject of one entry of `owner` (a grant, permission or ACL resource). `field` is the
     * input holding the principals (for property-level dependencies); `taken` are the roles other
     * entries of the same resource already account for.
     */
    subjectOf(principal: Maybe<string | undefined>, owner: PolicyResource, field: string, taken: ReadonlySet<string> = new Set()): Subject {
        if (typeof principal === "string" && principal !== "") {
            const role = this.roleByApplicationId.get(normalizePrincipal(principal));
            return role ? { principal, role } : { principal };
        }
        if (principal !== UNKNOWN && principal !== undefined && principal !== "") return {};
        const fieldDeps = owner.propertyDependencies?.[field];
        const deps = fieldDeps && fieldDeps.length > 0 ? fieldDeps : owner.dependencies ?? [];
        const roles = new Set(deps.map((d) => this.roleByUrn.get(d.urn)).filter((r): r is string => r !== undefined && !taken.has(r)));
        return roles.size === 1 ? { role: [...roles][0] } : {};
    }

    /** The role a known principal plays, if it is a marked service principal. */
    roleOfPrincipal(principal: string): string | undefined {
        return this.roleByApplicationId.get(normalizePrincipal(principal));
    }
}

const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Subjects of every entry of a resource. Known principals are matched by value first; then, if
 * exactly one entry is still unattributed — its principal unknown, or an application id that no
 * marked service principal declares (the app's service principal is created by `databricks.App`,
 * so its id is never an input) — and the resource depends on exactly one marked resource whose role
 * no other entry took, that entry plays that role.
 */
export function subjectsOf<E>(
    directory: PrincipalDirectory,
    owner: PolicyResource,
    field: string,
    entries: readonly E[],
    principalOf: (entry: E) => Maybe<string | undefined>,
): Subject[] {
    const principals = entries.map(principalOf);
    const subjects: Subject[] = principals.map((p) => (typeof p === "string" && p !== "" ? directory.subjectOf(p, owner, field) : {}));
    const taken = new Set(subjects.map((s) => s.role).filter((r): r is string => r !== undefined));
    const pending = subjects.map((_s, i) => i).filter((i) => !subjects[i].role && (subjects[i].principal === undefined || APPLICATION_ID.test(normalizePrincipal(subjects[i].principal!))));
    if (pending.length === 1) {
        const [i] = pending;
        const byDependency = directory.subjectOf(UNKNOWN, owner, field, taken);
        if (byDependency.role) subjects[i] = { ...subjects[i], role: byDependency.role };
    }
    return subjects;
}

/** True when the pack knows who the subject is (else the preview cannot check it yet; `pulumi up` will, with the value). */
export function isIdentified(subject: Subject): boolean {
    return subject.principal !== undefined || subject.role !== undefined;
}
