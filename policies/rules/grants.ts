/**
 * Unity Catalog grants: no escalation or exfiltration privileges outside the admins, "everyone"
 * groups limited to discovery, privileges valid on their securable, writes only by writers, one
 * authority per securable, and the stack-wide least-privilege check of every principal's
 * effective privileges against its allowance. No public rule set checks any of this.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { ALL_PRIVILEGE_NAMES, BROAD_GROUPS, BROAD_GROUP_ALLOWANCE, PRIVILEGES, RISKY_PRIVILEGES, WRITE_PRIVILEGES } from "../privileges";
import { EffectivePrivilege, GrantEntry, effectivePrivileges, grantEntries, isKnownSecurable, kindWord, permissionEntries } from "./access-model";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { PrincipalDirectory, Subject, describeSubject, matchesAny, selectorRoles, subjectKey } from "./principals";
import { PRODUCTION_PROPERTY, isProductionStack } from "./environment";
import { TYPES, UNKNOWN, configOf, knownString, names, ofType, stringListSchema } from "./util";

/** Grant entries of the stack with subjects resolved for the roles `selectors` name. */
function entriesFor(args: StackValidationArgs, selectors: Iterable<string>): GrantEntry[] {
    return grantEntries(args.resources, new PrincipalDirectory(args.resources, selectorRoles(selectors)));
}

function where(entry: GrantEntry): string {
    const name = entry.name === UNKNOWN ? "(name not known yet)" : entry.name;
    const how = entry.source === "owner" ? "owns" : "is granted";
    return `${how} ${kindWord(entry.kind)} ${name}`;
}

const ADMINS_SCHEMA = stringListSchema(
    'Principals allowed to hold these privileges: group names, service principal application ids, or "role:<role>" for a principal the program creates (docs/grants-and-policies.md#the-policy-pack).',
    [],
);

export const ucNoRiskyPrivileges: StackValidationPolicy = {
    name: "uc-no-risky-privileges",
    description:
        "No one but the allow-listed admins holds ALL_PRIVILEGES, MANAGE, EXTERNAL_USE_SCHEMA or EXTERNAL_USE_LOCATION on a Unity Catalog securable, or owns one (ownership implies all privileges): these allow privilege escalation and data exfiltration.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { admins: ADMINS_SCHEMA } },
    validateStack: (args, report) => {
        const { admins } = configOf<{ admins: string[] }>(args, ucNoRiskyPrivileges);
        for (const e of entriesFor(args, admins)) {
            if (matchesAny(admins, e.subject)) continue;
            const risky = e.privileges.filter((p) => (RISKY_PRIVILEGES as readonly string[]).includes(p));
            if (risky.length === 0) continue;
            const what = e.source === "owner" ? "ownership (all privileges)" : names(risky);
            report(`${describeSubject(e.subject)} ${where(e)} with ${what}, and is not an allow-listed admin (config "admins": ${names(admins)}).`, e.resource.urn);
        }
    },
};

export const ucBroadGroupsDiscoveryOnly: StackValidationPolicy = {
    name: "uc-broad-groups-discovery-only",
    description: `The groups that mean "everyone" (account users, users) get at most ${BROAD_GROUP_ALLOWANCE.join(", ")}: they may find and traverse catalogs and schemas, never read, write or own data.`,
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            broadGroups: stringListSchema("Group names that mean everyone in the account or workspace.", BROAD_GROUPS),
            allowed: stringListSchema("The most those groups may hold.", BROAD_GROUP_ALLOWANCE),
        },
    },
    validateStack: (args, report) => {
        const { broadGroups, allowed } = configOf<{ broadGroups: string[]; allowed: string[] }>(args, ucBroadGroupsDiscoveryOnly);
        for (const e of entriesFor(args, [])) {
            if (!matchesAny(broadGroups, e.subject)) continue;
            const extra = e.privileges.filter((p) => !allowed.includes(p));
            if (extra.length > 0) {
                report(`${describeSubject(e.subject)} ${where(e)} with ${e.source === "owner" ? "ownership" : names(extra)}; everyone-groups get at most ${names(allowed)}.`, e.resource.urn);
            }
        }
    },
};

export const ucPrivilegesValidOnSecurable: StackValidationPolicy = {
    name: "uc-privileges-valid-on-securable",
    description:
        "Every granted privilege exists in Unity Catalog and applies to the securable it is granted on (e.g. no WRITE_VOLUME on a table, no CREATE_SCHEMA on a schema); the apply would fail or the grant would be silently meaningless.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const e of entriesFor(args, [])) {
            if (e.source === "owner" || !isKnownSecurable(e.kind)) continue;
            // `Grants.table` also names views; the table list is the wider of the two.
            const valid = PRIVILEGES[e.kind];
            const bad = e.privileges.filter((p) => !valid.includes(p));
            for (const p of bad) {
                const known = ALL_PRIVILEGE_NAMES.includes(p);
                report(
                    `${describeSubject(e.subject)} ${where(e)} with ${p}, which ${known ? `does not apply to a ${kindWord(e.kind)}` : "is not a Unity Catalog privilege"} (valid: ${names(valid)}).`,
                    e.resource.urn,
                );
            }
        }
    },
};

export const ucWritesOnlyByWriters: StackValidationPolicy = {
    name: "uc-writes-only-by-writers",
    description:
        "Privileges that write data or create objects (MODIFY, WRITE_VOLUME, WRITE_FILES, REFRESH, APPLY_TAG, CREATE_*) go only to allow-listed writer principals (by default the pipeline's service principal).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            writers: stringListSchema('Writer principals: names, application ids or "role:<role>".', ["role:pipeline"]),
        },
    },
    validateStack: (args, report) => {
        const { writers } = configOf<{ writers: string[] }>(args, ucWritesOnlyByWriters);
        for (const e of entriesFor(args, writers)) {
            if (e.source === "owner" || matchesAny(writers, e.subject)) continue;
            const writes = e.privileges.filter((p) => WRITE_PRIVILEGES.includes(p));
            if (writes.length > 0) {
                report(`${describeSubject(e.subject)} ${where(e)} with ${names(writes)} but is not an allow-listed writer (config "writers": ${names(writers)}).`, e.resource.urn);
            }
        }
    },
};

/** True for a principal name that is a person: a user e-mail (groups and application ids have no `@`). */
function isPerson(principal: string | undefined): principal is string {
    return principal !== undefined && principal.includes("@");
}

export const ucGrantToGroups: StackValidationPolicy = {
    name: "uc-grants-to-groups-not-people",
    description:
        "In production stacks (declared by the stack's resources or stack tags, or by policy config) access goes to groups and service principals, not to individual user accounts: Unity Catalog grants and ownership, workspace access control lists (userName entries on jobs, pipelines, warehouses, endpoints, apps, folders, tokens…), secret scope ACLs and Azure role assignments to users. Access then follows group membership and survives people leaving.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedUsers: stringListSchema("User e-mails that may be granted access directly.", []), production: PRODUCTION_PROPERTY } },
    validateStack: (args, report) => {
        if (!isProductionStack(args, ucGrantToGroups)) return;
        const { allowedUsers } = configOf<{ allowedUsers: string[] }>(args, ucGrantToGroups);
        const allowed = (principal: string) => matchesAny(allowedUsers, { principal });
        for (const e of entriesFor(args, [])) {
            const p = e.subject.principal;
            if (!isPerson(p) || allowed(p)) continue;
            report(`${describeSubject(e.subject)} is a user account and ${where(e)}; grant to a group it belongs to instead.`, e.resource.urn);
        }
        const directory = new PrincipalDirectory(args.resources, selectorRoles([]));
        for (const e of permissionEntries(args.resources, directory)) {
            const p = e.subject.principal;
            if (p === undefined || (e.principalKind !== "user" && !isPerson(p)) || allowed(p)) continue;
            report(`${describeSubject(e.subject)} is a user account and gets ${e.level} on the ${e.object ?? "object"} (Permissions ${e.resource.name}); give it to a group the user belongs to instead.`, e.resource.urn);
        }
        for (const acl of ofType(args.resources, TYPES.secretAcl)) {
            const p = knownString(() => acl.props.principal);
            if (!isPerson(p) || allowed(p)) continue;
            report(`"${p}" is a user account and gets ${knownString(() => acl.props.permission) ?? "access"} on secret scope ${knownString(() => acl.props.scope) ?? "?"}; give it to a group instead.`, acl.urn);
        }
        for (const assignment of ofType(args.resources, TYPES.roleAssignment)) {
            if ((knownString(() => assignment.props.principalType) ?? "").toLowerCase() !== "user") continue;
            const p = knownString(() => assignment.props.principalId) ?? "?";
            if (allowed(p)) continue;
            report(`role assignment ${assignment.name} names a user (principalType User, ${p}); assign the role to a group instead.`, assignment.urn);
        }
    },
};

export const ucOneAuthorityPerSecurable: StackValidationPolicy = {
    name: "uc-one-authority-per-securable",
    description:
        "Each securable has at most one authoritative databricks.Grants, no databricks.Grant beside it, and at most one Grant per principal: such resources overwrite each other on every update, so grants flap or silently disappear.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const bySecurable = new Map<string, { grants: PolicyResource[]; single: PolicyResource[] }>();
        const singleByPrincipal = new Map<string, PolicyResource>();
        for (const e of entriesFor(args, [])) {
            if (e.source === "owner" || e.name === UNKNOWN) continue;
            const key = `${e.kind} ${e.name.toLowerCase()}`;
            const slot = bySecurable.get(key) ?? { grants: [], single: [] };
            const bucket = e.source === "grants" ? slot.grants : slot.single;
            if (!bucket.includes(e.resource)) bucket.push(e.resource);
            bySecurable.set(key, slot);
            if (e.source === "grant" && e.subject.principal !== undefined) {
                const principalKey = `${key}|${subjectKey(e.subject)}`;
                const first = singleByPrincipal.get(principalKey);
                if (first && first !== e.resource) report(`${key} already has a Grant for ${describeSubject(e.subject)} (${first.name}); ${e.resource.name} would overwrite it. Keep one.`, e.resource.urn);
                else singleByPrincipal.set(principalKey, e.resource);
            }
        }
        for (const [key, slot] of bySecurable) {
            if (slot.grants.length > 1) {
                for (const r of slot.grants.slice(1)) report(`${key} already has an authoritative Grants (${slot.grants[0].name}); ${r.name} would overwrite it. Merge them into one.`, r.urn);
            }
            if (slot.grants.length > 0) {
                for (const r of slot.single) report(`${key} has an authoritative Grants (${slot.grants[0].name}) that removes what Grant ${r.name} adds on every update. Move the entry into the Grants.`, r.urn);
            }
        }
    },
};

/**
 * Privileges per securable or workspace object kind; `"*"` allows anything. A key is a kind
 * (`schema`: every schema) or a kind scoped to a place below the catalog (`schema:gold`: the gold
 * layer's schema; `table:gold`: tables in the gold layer; `volume:bronze.raw_files`: that volume).
 * See `scopeMatches` for how a scope names a layer.
 */
export type Allowance = "*" | Record<string, string[]>;

const BROAD_ALLOWANCE: Allowance = { catalog: ["USE_CATALOG", "USE_SCHEMA", "BROWSE"], schema: ["USE_SCHEMA"], external_location: ["BROWSE"] };

/**
 * The built-in allowances: one for each platform role, and the everyone-groups. The pipeline
 * principal gets the KMFlow runbook's set (catalog USE_CATALOG, USE_SCHEMA, CREATE_SCHEMA; each
 * schema CREATE_TABLE, MODIFY, SELECT, plus CREATE MATERIALIZED VIEW for its Lakeflow pipeline's
 * materialized views; the volume READ_VOLUME, WRITE_VOLUME; CAN_USE on the warehouse) plus CAN_USE
 * on the cluster policy its jobs run under and ownership of the job and pipeline that run as it
 * (a Lakeflow pipeline runs as its owner; `permissions-manage-admins-only` checks it owns only what
 * runs as it). The app's service principal reads the gold layer and nothing else — no bronze or
 * silver, no raw files, no models (it reaches them through the endpoint, CAN_QUERY) — uses the
 * warehouse and reads its own source folder. What a catalog or schema grant passes down must be
 * allowed on the child kinds too.
 */
export const DEFAULT_ALLOWANCES: Record<string, Allowance> = {
    "role:pipeline": {
        catalog: ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA"],
        schema: ["USE_SCHEMA", "CREATE_TABLE", "CREATE_MATERIALIZED_VIEW", "MODIFY", "SELECT"],
        table: ["MODIFY", "SELECT"],
        view: ["SELECT"],
        volume: ["READ_VOLUME", "WRITE_VOLUME"],
        sqlWarehouse: ["CAN_USE"],
        clusterPolicy: ["CAN_USE"],
        job: ["IS_OWNER"],
        pipeline: ["IS_OWNER"],
    },
    "role:app": {
        catalog: ["USE_CATALOG"],
        "schema:gold": ["USE_SCHEMA", "SELECT"],
        "table:gold": ["SELECT"],
        "view:gold": ["SELECT"],
        sqlWarehouse: ["CAN_USE"],
        servingEndpoint: ["CAN_QUERY"],
        directory: ["CAN_READ"],
    },
    "account users": BROAD_ALLOWANCE,
    users: BROAD_ALLOWANCE,
};

/**
 * Everyone no selector names: discovery (as the everyone-groups) and viewing workspace objects,
 * nothing else. Reading data, querying endpoints, using a warehouse, running jobs or pipelines
 * needs an allowance of the principal's own, layer by layer: a declared role's allowance is what
 * its stack config grants it (`tools/policy-allowances.ts` derives it; a test keeps the shipped
 * policy configs equal to it).
 */
export const DEFAULT_DISCOVERY_ALLOWANCE: Allowance = {
    catalog: ["USE_CATALOG", "USE_SCHEMA", "BROWSE"],
    schema: ["USE_SCHEMA"],
    external_location: ["BROWSE"],
    sqlWarehouse: ["CAN_VIEW", "CAN_MONITOR"],
    servingEndpoint: ["CAN_VIEW"],
    job: ["CAN_VIEW"],
    pipeline: ["CAN_VIEW"],
    directory: ["CAN_READ"],
    notebook: ["CAN_READ"],
    workspaceFile: ["CAN_READ"],
};

/** An allowance in config: `{ kind: [privileges] }`, or the string "*". */
const ALLOWANCE_SCHEMA: PolicyConfigJSONSchema = {
    type: ["object", "string"],
    additionalProperties: { type: "array", items: { type: "string" } },
};

/** The allowance of a subject: the first selector that names it, else the default. */
export function allowanceOf(subject: Subject, allowances: Record<string, Allowance>, fallback: Allowance): { selector: string; allowance: Allowance } {
    for (const [selector, allowance] of Object.entries(allowances)) {
        if (matchesAny([selector], subject)) return { selector, allowance };
    }
    return { selector: "defaultAllowance", allowance: fallback };
}

/** Securables named at the metastore level (no catalog in front of their name). */
const METASTORE_KINDS = ["external_location", "storage_credential", "metastore", "credential", "connection", "share", "recipient"];

/** The segments of a securable's name below its catalog: `cat.lakehouse_gold.t` → [lakehouse_gold, t]. */
function pathBelowCatalog(kind: string, name: string): string[] {
    return METASTORE_KINDS.includes(kind) ? [name] : name.split(".").slice(1);
}

function fold(text: string): string {
    return text.normalize("NFC").trim().toLowerCase();
}

/**
 * True when an allowance scope (`gold`, `gold.payments`, `*.t`) names a place: its first segment
 * names the schema (or metastore-level securable) when equal to it, `*`, or its layer suffix
 * (`gold` names `lakehouse_gold`, as the program names a layer's schema `<schema>_<layer>`); later
 * segments name objects exactly (or `*`). A scope of n segments covers everything below those n.
 */
export function scopeMatches(scope: string, path: readonly string[]): boolean {
    const parts = scope.split(".").map(fold);
    if (parts.length > path.length) return false;
    return parts.every((part, i) => {
        const segment = fold(path[i]);
        return part === "*" || part === segment || (i === 0 && segment.endsWith(`_${part}`));
    });
}

/**
 * What an allowance allows for one effective privilege: the kind-wide list plus every scoped key
 * whose scope covers where the privilege applies. `undecided` when only a scoped key could allow
 * this privilege and the securable's name is not known yet (the preview cannot tell which layer it
 * is; `pulumi up` checks it with the name).
 */
export function allowedFor(allowance: Record<string, string[]>, e: Pick<EffectivePrivilege, "kind" | "location" | "privilege">): { allowed: string[]; undecided: boolean } {
    const allowed = new Set(allowance[e.kind] ?? []);
    let couldAllow = false;
    const name = e.location?.name;
    for (const [key, privileges] of Object.entries(allowance)) {
        const colon = key.indexOf(":");
        if (colon < 0 || key.slice(0, colon) !== e.kind) continue;
        if (privileges.includes(e.privilege) || privileges.includes("*")) couldAllow = true;
        if (!e.location || name === undefined || name === UNKNOWN) continue;
        // A privilege passed down from a container is judged at the container (it reaches every
        // object in it, whatever their names), so only a scope no deeper than the container covers it.
        if (scopeMatches(key.slice(colon + 1), pathBelowCatalog(e.location.kind, name))) for (const p of privileges) allowed.add(p);
    }
    return { allowed: [...allowed], undecided: couldAllow && e.location !== undefined && name === UNKNOWN };
}

/** What one entry grants a subject beyond its allowance, per securable or object kind it reaches. */
export interface AllowanceFinding {
    subject: Subject;
    /** The config selector whose allowance applies (`defaultAllowance` when none names the subject). */
    selector: string;
    grantedOn: string;
    urn: string;
    excess: { kind: string; scope: string; privileges: string[]; allowed: string[] }[];
}

/** Effective privileges beyond each subject's allowance, one finding per (subject, granting entry). */
export function excessPrivileges(effective: readonly EffectivePrivilege[], allowances: Record<string, Allowance>, fallback: Allowance): AllowanceFinding[] {
    const findings = new Map<string, AllowanceFinding>();
    for (const e of effective) {
        const { selector, allowance } = allowanceOf(e.subject, allowances, fallback);
        if (allowance === "*") continue;
        // What anyone may hold (the default allowance), a named principal may hold too.
        const base = selector === "defaultAllowance" || fallback === "*" || typeof fallback !== "object" || fallback === null ? {} : fallback;
        const own = allowedFor(typeof allowance === "object" && allowance !== null ? allowance : {}, e);
        const everyone = allowedFor(base, e);
        const allowed = [...new Set([...own.allowed, ...everyone.allowed])];
        const undecided = own.undecided || everyone.undecided;
        if (allowed.includes(e.privilege) || allowed.includes("*") || undecided) continue;
        const key = `${subjectKey(e.subject)}|${e.via.resource.urn}|${e.grantedOn}`;
        const f = findings.get(key) ?? { subject: e.subject, selector, grantedOn: e.grantedOn, urn: e.via.resource.urn, excess: [] };
        let slot = f.excess.find((x) => x.scope === e.scope);
        if (!slot) {
            slot = { kind: e.kind, scope: e.scope, privileges: [], allowed };
            f.excess.push(slot);
        }
        if (!slot.privileges.includes(e.privilege)) slot.privileges.push(e.privilege);
        findings.set(key, f);
    }
    return [...findings.values()];
}

export const ucLeastPrivilegeAllowance: StackValidationPolicy = {
    name: "uc-least-privilege-allowance",
    description:
        "Stack-wide: each principal's effective privileges across all grants (a catalog grant reaches every schema and object below it, a schema grant every object in it) and workspace permissions stay within its allowance, layer by layer. The platform roles have built-in allowances (the pipeline: the KMFlow least-privilege set; the app: read the gold layer, use the warehouse, query its endpoint); declared principals get theirs from policy config, as the stack's config grants them; anyone else may only discover and view.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowances: {
                type: "object",
                description:
                    'Principal selector (name, application id, or "role:<role>") → { <kind> or <kind>:<layer>[.<object>]: [privileges] } or "*" (e.g. "schema:gold": ["USE_SCHEMA", "SELECT"]). Merged over the built-in allowances; the allowance of a selector adds to what everyone may hold (defaultAllowance), so {} allows it only that.',
                additionalProperties: ALLOWANCE_SCHEMA,
                default: DEFAULT_ALLOWANCES,
            },
            defaultAllowance: { ...ALLOWANCE_SCHEMA, description: "The allowance of every principal no selector names (discover and view only).", default: DEFAULT_DISCOVERY_ALLOWANCE },
        },
    },
    validateStack: (args, report: ReportViolation) => {
        const config = configOf<{ allowances: Record<string, Allowance>; defaultAllowance: Allowance }>(args, ucLeastPrivilegeAllowance);
        const allowances = { ...DEFAULT_ALLOWANCES, ...(config.allowances ?? {}) };
        const fallback = config.defaultAllowance ?? DEFAULT_DISCOVERY_ALLOWANCE;
        const directory = new PrincipalDirectory(args.resources, selectorRoles(Object.keys(allowances)));
        const effective = effectivePrivileges(grantEntries(args.resources, directory), permissionEntries(args.resources, directory));
        for (const f of excessPrivileges(effective, allowances, fallback)) {
            const parts = f.excess.map((x) => `${names(x.privileges)} on ${x.scope === f.grantedOn ? "it" : x.scope} (allowed on a ${kindWord(x.kind)}: ${names(x.allowed)})`);
            report(`${describeSubject(f.subject)} would hold more than its allowance (${f.selector}) from ${f.grantedOn}: ${parts.join("; ")}.`, f.urn);
        }
    },
};

export const grantsPolicies = [
    ucNoRiskyPrivileges,
    ucBroadGroupsDiscoveryOnly,
    ucPrivilegesValidOnSecurable,
    ucWritesOnlyByWriters,
    ucLeastPrivilegeAllowance,
    ucOneAuthorityPerSecurable,
    ucGrantToGroups,
];
