/**
 * Acting through another identity. A permission level is not read-only when what it lets its
 * holder do runs as someone else:
 *
 * - a job runs as its `runAs` identity: CAN_MANAGE_RUN starts it (with parameters of the holder's
 *   choosing), CAN_MANAGE and IS_OWNER change its tasks and code;
 * - a Lakeflow pipeline runs as its `runAs` identity: CAN_RUN starts updates and full refreshes
 *   (which rewrite its tables), CAN_MANAGE and IS_OWNER change its code and settings;
 * - an app runs as its own service principal: CAN_MANAGE deploys new code into it;
 * - the code a job or pipeline runs: CAN_EDIT or CAN_MANAGE on a workspace file, notebook,
 *   directory or repo holding it (or on the home folder of the identity it runs as) is the next
 *   run's code;
 * - a secret scope holding an identity's credential (a Secret made from an Entra application
 *   password): READ on it is that identity's password.
 *
 * Each is judged by the identity acted through: only that identity itself, the allow-listed
 * admins, and the principals policy config names for that identity (`actAs`) may hold it. By
 * default no one else may act as the pipeline's service principal, which writes every layer.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PermissionObject } from "../privileges";
import { CODE_OBJECTS, permissionEntries, permissionTarget } from "./access-model";
import { PrincipalDirectory, Subject, describeSubject, isIdentified, matchesAny, roleOfDisplayName, samePrincipal, selectorRoles } from "./principals";
import { TYPES, UNKNOWN, configOf, knownString, names, normalizeLevel, ofType, read, stringListSchema } from "./util";

/** Levels that let the holder act through the identity the object runs as. */
export const ACT_AS_LEVELS: Partial<Record<PermissionObject, readonly string[]>> = {
    job: ["CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER"],
    pipeline: ["CAN_RUN", "CAN_MANAGE", "IS_OWNER"],
    app: ["CAN_MANAGE"],
    directory: ["CAN_EDIT", "CAN_MANAGE"],
    notebook: ["CAN_EDIT", "CAN_MANAGE"],
    workspaceFile: ["CAN_EDIT", "CAN_MANAGE"],
    repo: ["CAN_EDIT", "CAN_MANAGE"],
};

/** Fields of `databricks.Permissions` naming a code object by path. */
const PATH_FIELDS = ["directoryPath", "notebookPath", "workspaceFilePath", "repoPath"];
/** Resources whose `path` input is a code object's path (for Permissions that name it by id). */
const PATH_RESOURCES = ["databricks:index/directory:Directory", "databricks:index/notebook:Notebook", "databricks:index/workspaceFile:WorkspaceFile", "databricks:index/repo:Repo"];

/** A workspace path in one spelling: no `/Workspace` prefix, no trailing slash or glob, case as written. */
export function workspacePath(path: string): string {
    let p = path.trim().replace(/\/\*\*?$/, "").replace(/\/+$/, "");
    if (p.startsWith("/Workspace/")) p = p.slice("/Workspace".length);
    return p;
}

/** True when one path is the other or lies inside it. */
function overlaps(a: string, b: string): boolean {
    return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Every string in a resource's inputs that looks like a workspace path (task files, notebooks, pipeline libraries). */
function codePaths(value: unknown, out: string[] = [], depth = 0): string[] {
    if (depth > 12) return out;
    if (typeof value === "string") {
        if (/^\/(Workspace\/)?(Users|Shared|Repos)\//.test(value.trim())) out.push(workspacePath(value));
    } else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) codePaths(read(() => value[i]), out, depth + 1);
    } else if (value !== null && typeof value === "object") {
        for (const key of Object.keys(value)) codePaths(read(() => (value as Record<string, unknown>)[key]), out, depth + 1);
    }
    return out;
}

/** An identity something runs as, and what it is. */
interface RunIdentity {
    subject: Subject;
    /** What the permission is on, for messages: `job full-run`, `the home folder of role:pipeline`. */
    what: string;
}

/** The identity a job or pipeline runs as (`runAs`), when known. */
function runAsOf(directory: PrincipalDirectory, target: PolicyResource): Subject | undefined {
    const runAs = read(() => target.props.runAs as Record<string, unknown> | undefined);
    if (runAs === UNKNOWN || runAs === undefined || runAs === null) return undefined;
    const principal = read(() => (runAs.servicePrincipalName ?? runAs.userName) as string | undefined);
    const subject = directory.subjectOf(principal, target, "runAs");
    return isIdentified(subject) ? subject : undefined;
}

function sameIdentity(a: Subject, b: Subject): boolean {
    if (a.role !== undefined && b.role !== undefined) return a.role === b.role;
    return a.principal !== undefined && b.principal !== undefined && samePrincipal(a.principal, b.principal);
}

/** What the code object of a Permissions resource is: its path, from the object field or the resource it depends on. */
function codePathOf(permissions: PolicyResource): string | undefined {
    for (const field of PATH_FIELDS) {
        const path = knownString(() => permissions.props[field]);
        if (path !== undefined && path !== "") return workspacePath(path);
    }
    for (const dep of permissions.dependencies ?? []) {
        if (!PATH_RESOURCES.includes(dep.type)) continue;
        const path = knownString(() => dep.props.path);
        if (path !== undefined && path !== "") return workspacePath(path);
    }
    return undefined;
}

/** The identities whose runs a code path feeds: jobs and pipelines whose inputs reference it, and the home folder of a known service principal. */
function identitiesOfCode(path: string, runners: { resource: PolicyResource; identity: Subject; paths: string[] }[], homes: { home: string; identity: Subject }[]): RunIdentity[] {
    const out: RunIdentity[] = [];
    for (const r of runners) {
        if (r.paths.some((p) => overlaps(p, path))) out.push({ subject: r.identity, what: `code that ${r.resource.type === TYPES.job ? "job" : "pipeline"} ${r.resource.name} runs` });
    }
    for (const h of homes) {
        if (overlaps(h.home, path) && !out.some((o) => sameIdentity(o.subject, h.identity))) out.push({ subject: h.identity, what: `the home folder of ${describeSubject(h.identity)}` });
    }
    return out;
}

/** The identity whose credential a Secret holds: made from an Entra application password of a marked application. */
function credentialOwner(secret: PolicyResource, roles: readonly string[]): Subject | undefined {
    for (const password of (secret.dependencies ?? []).filter((d) => d.type === TYPES.applicationPassword)) {
        for (const app of (password.dependencies ?? []).filter((d) => d.type === TYPES.entraApplication || d.type === TYPES.entraApplicationRegistration)) {
            const displayName = knownString(() => app.props.displayName);
            const role = displayName === undefined ? undefined : roleOfDisplayName(displayName, roles);
            if (role) return { role };
            if (displayName) return { principal: displayName };
        }
    }
    return undefined;
}

export const actAsOnlyAllowed: StackValidationPolicy = {
    name: "act-as-only-allowed-principals",
    description:
        "Permissions that let a principal act through another identity are judged by that identity: CAN_MANAGE_RUN / CAN_MANAGE / IS_OWNER on a job and CAN_RUN / CAN_MANAGE / IS_OWNER on a pipeline (they run as their runAs identity), CAN_MANAGE on an app (it runs as its service principal), CAN_EDIT / CAN_MANAGE on the code a job or pipeline runs or on a service principal's home folder, and any ACL on a secret scope holding an identity's client secret. Only the identity itself, allow-listed admins, and the principals policy config allows to act as it (actAs) may hold them.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            actAs: {
                type: "object",
                description:
                    'Identity selector (application id or "role:<role>") → principal selectors allowed to act through it (run its jobs and pipelines, edit the code they run, read its secret). Empty by default: no one but the identity itself and the admins acts as the pipeline service principal.',
                additionalProperties: { type: "array", items: { type: "string" } },
                default: {},
            },
            admins: stringListSchema('Principals allowed to act through any identity: group names, application ids, or "role:<role>".', []),
        },
    },
    validateStack: (args, report) => {
        const { actAs, admins } = configOf<{ actAs: Record<string, string[]>; admins: string[] }>(args, actAsOnlyAllowed);
        const roles = selectorRoles([...Object.keys(actAs ?? {}), ...Object.values(actAs ?? {}).flat(), ...admins]);
        const directory = new PrincipalDirectory(args.resources, roles);
        const allowedFor = (identity: Subject): string[] => Object.entries(actAs ?? {}).flatMap(([selector, holders]) => (matchesAny([selector], identity) ? holders : []));
        const judge = (holder: Subject, level: string, identity: RunIdentity, urn: string) => {
            if (sameIdentity(holder, identity.subject) || matchesAny(admins, holder) || matchesAny(allowedFor(identity.subject), holder)) return;
            const allowed = allowedFor(identity.subject);
            report(
                `${describeSubject(holder)} gets ${level} on ${identity.what}, so it could act as ${describeSubject(identity.subject)} with that identity's privileges; only the identity itself, the admins (${names(admins)}) and the principals allowed to act as it (config "actAs": ${names(allowed)}) may.`,
                urn,
            );
        };

        const runners = [...ofType(args.resources, TYPES.job), ...ofType(args.resources, TYPES.pipeline)].flatMap((resource) => {
            const identity = runAsOf(directory, resource);
            return identity ? [{ resource, identity, paths: codePaths(resource.props) }] : [];
        });
        const homes = ofType(args.resources, TYPES.servicePrincipal).flatMap((sp) => {
            const applicationId = knownString(() => sp.props.applicationId);
            if (!applicationId) return [];
            const identity = directory.subjectOf(applicationId, sp, "applicationId");
            return [{ home: `/Users/${applicationId}`, identity }];
        });

        for (const e of permissionEntries(args.resources, directory)) {
            if (!e.object || !(ACT_AS_LEVELS[e.object] ?? []).includes(e.level)) continue;
            let identities: RunIdentity[] = [];
            if (e.object === "job" || e.object === "pipeline") {
                const target = permissionTarget(e.resource, e.object === "job" ? TYPES.job : TYPES.pipeline, e.object === "job" ? "jobId" : "pipelineId");
                const identity = target ? runAsOf(directory, target) : undefined;
                if (target && identity) identities = [{ subject: identity, what: `${e.object} ${target.name}` }];
            } else if (e.object === "app") {
                const target = permissionTarget(e.resource, TYPES.app, "appName");
                if (target) identities = [{ subject: { role: "app" }, what: `app ${target.name}` }];
            } else if (CODE_OBJECTS.includes(e.object)) {
                const path = codePathOf(e.resource);
                if (path !== undefined) identities = identitiesOfCode(path, runners, homes);
            }
            for (const identity of identities) judge(e.subject, e.level, identity, e.resource.urn);
        }

        // Secret scopes holding a credential: any ACL on them reads (or replaces, or re-grants) it.
        const secrets = ofType(args.resources, TYPES.secret);
        for (const acl of ofType(args.resources, TYPES.secretAcl)) {
            const scope = knownString(() => acl.props.scope);
            const level = normalizeLevel(knownString(() => acl.props.permission));
            if (scope === undefined || level === undefined) continue;
            const holder = directory.subjectOf(read(() => acl.props.principal as string | undefined), acl, "principal");
            if (!isIdentified(holder)) continue;
            for (const secret of secrets) {
                if (knownString(() => secret.props.scope)?.trim() !== scope.trim()) continue;
                const owner = credentialOwner(secret, roles);
                if (owner) judge(holder, level, { subject: owner, what: `secret scope ${scope}, which holds the client secret of ${describeSubject(owner)} (key ${knownString(() => secret.props.key) ?? "?"})` }, acl.urn);
            }
        }
    },
};

export const actAsPolicies = [actAsOnlyAllowed];
