/**
 * The access the program grants, read from what it registers: Unity Catalog grants
 * (`databricks.Grants` / `databricks.Grant`), ownership of securables, and workspace object
 * permissions (`databricks.Permissions`). Plus the effective privileges they amount to: a grant on
 * a catalog reaches every schema and object below it, a grant on a schema every object in it.
 */
import type { PolicyResource } from "@pulumi/policy";
import { PERMISSION_LEVELS, PRIVILEGES, PermissionObject, Securable, isValidPrivilege } from "../privileges";
import { PrincipalDirectory, Subject, isIdentified, subjectsOf } from "./principals";
import { Maybe, TYPES, UNKNOWN, knownString, list, normalizeLevel, normalizePrivilege, read } from "./util";

/** `databricks.Grants` / `databricks.Grant` input → securable kind. */
export const GRANT_SECURABLE_FIELDS: readonly (readonly [string, string])[] = [
    ["catalog", "catalog"],
    ["schema", "schema"],
    ["table", "table"],
    ["volume", "volume"],
    ["model", "registered_model"],
    ["function", "function"],
    ["storageCredential", "storage_credential"],
    ["externalLocation", "external_location"],
    ["metastore", "metastore"],
    ["credential", "credential"],
    ["foreignConnection", "connection"],
    ["share", "share"],
    ["recipient", "recipient"],
    ["pipeline", "pipeline"],
];

/** True for the securable kinds `policies/privileges.ts` lists privileges for. */
export function isKnownSecurable(kind: string): kind is Securable {
    return Object.prototype.hasOwnProperty.call(PRIVILEGES, kind);
}

/** One principal's privileges on one securable, as a resource states them. */
export interface GrantEntry {
    resource: PolicyResource;
    /** Securable kind (`catalog`, `schema`, `table`, …; `table` also covers views). */
    kind: string;
    /** Full name of the securable (`cat`, `cat.schema`, `cat.schema.table`) when known. */
    name: Maybe<string>;
    subject: Subject;
    /** Privileges, normalised to the provider's spelling. */
    privileges: string[];
    /** Where the entry comes from: an authoritative `Grants`, a single `Grant`, or an `owner` input. */
    source: "grants" | "grant" | "owner";
}

/** The securable a grant resource targets. */
export function grantSecurable(resource: PolicyResource): { kind: string; name: Maybe<string> } | undefined {
    for (const [field, kind] of GRANT_SECURABLE_FIELDS) {
        const value = read(() => resource.props[field]);
        if (value === undefined || value === null || value === "") continue;
        return { kind, name: typeof value === "string" ? value : UNKNOWN };
    }
    return undefined;
}

/** Securable kind and full name of a UC object resource, for its `owner` input. */
function ownedSecurable(resource: PolicyResource): { kind: string; name: Maybe<string> } | undefined {
    const p = resource.props;
    const join = (...parts: (string | undefined)[]) => (parts.every((x) => x !== undefined) ? parts.join(".") : UNKNOWN);
    const name = knownString(() => p.name);
    switch (resource.type) {
        case TYPES.catalog:
            return { kind: "catalog", name: name ?? UNKNOWN };
        case TYPES.schema:
            return { kind: "schema", name: join(knownString(() => p.catalogName), name) };
        case TYPES.volume:
            return { kind: "volume", name: join(knownString(() => p.catalogName), knownString(() => p.schemaName), name) };
        case TYPES.sqlTable:
            return { kind: knownString(() => p.tableType) === "VIEW" ? "view" : "table", name: join(knownString(() => p.catalogName), knownString(() => p.schemaName), name) };
        case TYPES.externalLocation:
            return { kind: "external_location", name: name ?? UNKNOWN };
        case TYPES.storageCredential:
            return { kind: "storage_credential", name: name ?? UNKNOWN };
        default:
            return undefined;
    }
}

/**
 * Every grant entry in the stack, with its subject resolved through the directory. Entries whose
 * principal the preview cannot know or attribute are left out: `pulumi up` checks them again
 * with their values (CrossGuard skips unknown values the same way).
 */
export function grantEntries(resources: readonly PolicyResource[], directory: PrincipalDirectory): GrantEntry[] {
    const out: GrantEntry[] = [];
    for (const r of resources) {
        if (r.type === TYPES.grants || r.type === TYPES.grant) {
            const securable = grantSecurable(r);
            if (!securable) continue;
            const authoritative = r.type === TYPES.grants;
            const raw: { principal: Maybe<string | undefined>; privileges: string[] }[] = authoritative
                ? list<Record<string, unknown>>(() => r.props.grants).map((g) => ({
                      principal: read(() => g.principal as string | undefined),
                      privileges: list<string>(() => g.privileges),
                  }))
                : [{ principal: read(() => r.props.principal as string | undefined), privileges: list<string>(() => r.props.privileges) }];
            const subjects = subjectsOf(directory, r, authoritative ? "grants" : "principal", raw, (e) => e.principal);
            raw.forEach((e, i) => {
                if (!isIdentified(subjects[i])) return;
                out.push({
                    resource: r,
                    kind: securable.kind,
                    name: securable.name,
                    subject: subjects[i],
                    privileges: e.privileges.filter((p) => typeof p === "string").map(normalizePrivilege),
                    source: authoritative ? "grants" : "grant",
                });
            });
            continue;
        }
        const owned = ownedSecurable(r);
        if (!owned) continue;
        const owner = read(() => r.props.owner as string | undefined);
        if (owner === undefined || owner === "") continue;
        const subject = directory.subjectOf(owner, r, "owner");
        if (!isIdentified(subject)) continue;
        out.push({
            resource: r,
            kind: owned.kind,
            name: owned.name,
            subject,
            privileges: ["ALL_PRIVILEGES", "MANAGE"],
            source: "owner",
        });
    }
    return out;
}

/** `databricks.Permissions` input naming the object → object kind. */
export const PERMISSION_OBJECT_FIELDS: readonly (readonly [string, PermissionObject])[] = [
    ["servingEndpointId", "servingEndpoint"],
    ["appName", "app"],
    ["sqlEndpointId", "sqlWarehouse"],
    ["jobId", "job"],
    ["pipelineId", "pipeline"],
    ["clusterId", "cluster"],
    ["clusterPolicyId", "clusterPolicy"],
    ["instancePoolId", "instancePool"],
    ["directoryPath", "directory"],
    ["directoryId", "directory"],
    ["notebookPath", "notebook"],
    ["notebookId", "notebook"],
    ["workspaceFilePath", "workspaceFile"],
    ["workspaceFileId", "workspaceFile"],
    ["repoPath", "repo"],
    ["repoId", "repo"],
    ["experimentId", "experiment"],
];

/** Workspace objects that hold code or files (edited, run, or read). */
export const CODE_OBJECTS: readonly PermissionObject[] = ["directory", "notebook", "workspaceFile", "repo"];

/** The workspace object kind a `Permissions` resource is for, or undefined for kinds the pack does not model. */
export function permissionObject(resource: PolicyResource | { props: Record<string, unknown> }): PermissionObject | undefined {
    for (const [field, kind] of PERMISSION_OBJECT_FIELDS) {
        const value = read(() => resource.props[field]);
        if (value !== undefined && value !== null && value !== "") return kind;
    }
    const authorization = knownString(() => resource.props.authorization);
    if (authorization !== undefined) {
        const a = authorization.trim().toLowerCase();
        if (a === "tokens" || a === "passwords") return a;
    }
    return undefined;
}

/** The resource of `type` a `Permissions` resource is for (through the dependency of its object field), when it is in the stack. */
export function permissionTarget(permissions: PolicyResource, type: string, field: string): PolicyResource | undefined {
    const fieldDeps = permissions.propertyDependencies?.[field];
    const deps = (fieldDeps && fieldDeps.length > 0 ? fieldDeps : permissions.dependencies ?? []).filter((d) => d.type === type);
    return deps.length === 1 ? deps[0] : undefined;
}

/** One access control entry of a `Permissions` resource. */
export interface PermissionEntry {
    resource: PolicyResource;
    object: PermissionObject | undefined;
    /** Which field names the principal. */
    principalKind: "group" | "servicePrincipal" | "user" | "unknown";
    subject: Subject;
    level: string;
}

export function permissionEntries(resources: readonly PolicyResource[], directory: PrincipalDirectory): PermissionEntry[] {
    const out: PermissionEntry[] = [];
    for (const r of resources) {
        if (r.type !== TYPES.permissions) continue;
        const object = permissionObject(r);
        const controls = list<Record<string, unknown>>(() => r.props.accessControls).map((c) => {
            const group: Maybe<string | undefined> = read(() => c.groupName as string | undefined);
            const sp: Maybe<string | undefined> = read(() => c.servicePrincipalName as string | undefined);
            const user: Maybe<string | undefined> = read(() => c.userName as string | undefined);
            let principalKind: PermissionEntry["principalKind"] = "unknown";
            let principal: Maybe<string | undefined> = undefined;
            if (group !== undefined) {
                principalKind = "group";
                principal = group;
            } else if (sp !== undefined) {
                principalKind = "servicePrincipal";
                principal = sp;
            } else if (user !== undefined) {
                principalKind = "user";
                principal = user;
            }
            return { principalKind, principal, level: normalizeLevel(knownString(() => c.permissionLevel)) ?? "" };
        });
        const subjects = subjectsOf(directory, r, "accessControls", controls, (c) => c.principal as Maybe<string | undefined>);
        controls.forEach((c, i) => {
            if (isIdentified(subjects[i])) out.push({ resource: r, object, principalKind: c.principalKind, subject: subjects[i], level: c.level });
        });
    }
    return out;
}

/** Securables below each container kind. */
export const CHILD_KINDS: Readonly<Record<string, readonly Securable[]>> = {
    catalog: ["schema", "table", "view", "volume", "registered_model", "function"],
    schema: ["table", "view", "volume", "registered_model", "function"],
};

/** Privileges a grant on the container passes down (where they are valid on the child). */
const PASSED_DOWN: Readonly<Record<string, readonly string[]>> = {
    catalog: PRIVILEGES.catalog.filter((p) => !["CREATE_SCHEMA", "USE_CATALOG", "BROWSE"].includes(p)),
    schema: PRIVILEGES.schema.filter((p) => !p.startsWith("CREATE_") && p !== "USE_SCHEMA" && p !== "EXTERNAL_USE_SCHEMA"),
};

/** True when `privilege` granted on a `container` applies to its `child` objects. */
export function reachesChild(container: string, privilege: string, child: Securable): boolean {
    return (PASSED_DOWN[container] ?? []).includes(privilege) && isValidPrivilege(child, privilege);
}

/** One privilege a subject effectively holds, and where it comes from. */
export interface EffectivePrivilege {
    subject: Subject;
    /** Securable or workspace object kind the privilege applies to. */
    kind: string;
    privilege: string;
    /** What it applies to, for messages: `catalog lakehouse`, `every table in schema lakehouse.gold`. */
    scope: string;
    /** What the entry grants it on: `catalog lakehouse`, `the job (Permissions job-permissions)`. */
    grantedOn: string;
    /**
     * Where it applies, for layer-scoped allowances: the securable the entry names (its kind and
     * full name) and whether the privilege reaches the objects below it (`inherited`) rather than
     * the securable itself. Undefined for workspace objects.
     */
    location?: { kind: string; name: Maybe<string>; inherited: boolean };
    /** The entry that grants it. */
    via: GrantEntry | PermissionEntry;
}

function nameText(name: Maybe<string>): string {
    return name === UNKNOWN ? "(name not known yet)" : name;
}

const KIND_WORDS: Record<string, string> = {
    registered_model: "registered model",
    storage_credential: "storage credential",
    external_location: "external location",
};
export function kindWord(kind: string): string {
    return KIND_WORDS[kind] ?? kind;
}

/** Every privilege each subject effectively holds: direct, passed down from containers, and workspace permissions. */
export function effectivePrivileges(grants: readonly GrantEntry[], permissions: readonly PermissionEntry[]): EffectivePrivilege[] {
    const out: EffectivePrivilege[] = [];
    for (const g of grants) {
        const on = `${kindWord(g.kind)} ${nameText(g.name)}`;
        for (const privilege of g.privileges) {
            out.push({ subject: g.subject, kind: g.kind, privilege, scope: on, grantedOn: on, via: g, location: { kind: g.kind, name: g.name, inherited: false } });
            for (const child of CHILD_KINDS[g.kind] ?? []) {
                if (reachesChild(g.kind, privilege, child)) {
                    out.push({ subject: g.subject, kind: child, privilege, scope: `every ${kindWord(child)} in it`, grantedOn: on, via: g, location: { kind: g.kind, name: g.name, inherited: true } });
                }
            }
        }
    }
    for (const p of permissions) {
        if (p.object === undefined || p.level === "") continue;
        const on = `the ${p.object} (Permissions ${p.resource.name})`;
        out.push({ subject: p.subject, kind: p.object, privilege: p.level, scope: on, grantedOn: on, via: p });
    }
    return out;
}

/** Permission levels per workspace object (re-exported for the rules). */
export { PERMISSION_LEVELS };
