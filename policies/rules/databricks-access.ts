/**
 * Databricks workspace access: object permission levels that exist for the object, no management
 * rights to everyone-groups or to anyone but the admins, least-privilege secret ACLs, and no
 * secret scope that hands MANAGE to all users.
 */
import * as databricks from "@pulumi/databricks";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { BROAD_GROUPS, PERMISSION_LEVELS, PermissionObject } from "../privileges";
import { CODE_OBJECTS, permissionEntries, permissionObject, permissionTarget } from "./access-model";
import { PrincipalDirectory, Subject, describeSubject, isIdentified, matchesAny, samePrincipal, selectorRoles } from "./principals";
import { TYPES, knownString, list, names, normalizeLevel, ofType, read, stringListSchema, configOf } from "./util";

const MANAGE_LEVELS = ["CAN_MANAGE", "IS_OWNER"];

const ADMINS = stringListSchema('Principals allowed to manage: group names, application ids, user e-mails, or "role:<role>".', []);
const BROAD = stringListSchema("Group names that mean everyone.", BROAD_GROUPS);

export const permissionsLevelValid: ResourceValidationPolicy = {
    name: "permissions-level-valid-for-object",
    description: `Every access control of a databricks.Permissions uses a level that exists for its object (${Object.entries(PERMISSION_LEVELS)
        .map(([k, v]) => `${k}: ${v.join("/")}`)
        .join("; ")}).`,
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.Permissions, (permissions, _args, report) => {
        const object = permissionObject({ props: permissions as Record<string, unknown> });
        if (!object) return;
        const valid: readonly string[] = PERMISSION_LEVELS[object];
        for (const control of list<Record<string, unknown>>(() => permissions.accessControls)) {
            const level = normalizeLevel(knownString(() => control.permissionLevel));
            if (level !== undefined && !valid.includes(level)) report(`${level} is not a permission level of a ${object} (valid: ${valid.join(", ")}).`);
        }
    }),
};

export const permissionsNoBroadManage: ResourceValidationPolicy = {
    name: "permissions-no-manage-to-everyone",
    description: "No workspace object gives CAN_MANAGE or IS_OWNER to a group that means everyone (users, account users): anyone could change its permissions, code or configuration.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { broadGroups: BROAD } },
    validateResource: validateResourceOfType(databricks.Permissions, (permissions, args, report) => {
        const { broadGroups } = configOf<{ broadGroups: string[] }>(args, permissionsNoBroadManage);
        for (const control of list<Record<string, unknown>>(() => permissions.accessControls)) {
            const group = knownString(() => control.groupName);
            const level = normalizeLevel(knownString(() => control.permissionLevel));
            if (group !== undefined && level !== undefined && MANAGE_LEVELS.includes(level) && matchesAny(broadGroups, { principal: group })) {
                report(`gives ${level} to "${group}" (everyone); give it to an admin group.`);
            }
        }
    }),
};

/** The job or pipeline a `Permissions` resource is for (its dependency of that type), if in the stack. */
function targetOf(permissions: PolicyResource, object: PermissionObject | undefined): PolicyResource | undefined {
    if (object === "job") return permissionTarget(permissions, TYPES.job, "jobId");
    if (object === "pipeline") return permissionTarget(permissions, TYPES.pipeline, "pipelineId");
    return undefined;
}

/** True when `subject` is the service principal `target` (a job or pipeline) runs as. */
function runsAs(directory: PrincipalDirectory, target: PolicyResource | undefined, subject: Subject): boolean {
    if (!target) return false;
    const runAs = directory.subjectOf(read(() => (target.props.runAs as { servicePrincipalName?: string } | undefined)?.servicePrincipalName), target, "runAs");
    if (runAs.principal !== undefined && subject.principal !== undefined) return samePrincipal(runAs.principal, subject.principal);
    return runAs.role !== undefined && runAs.role === subject.role;
}

export const permissionsManageAdminsOnly: StackValidationPolicy = {
    name: "permissions-manage-admins-only",
    description:
        "CAN_MANAGE and IS_OWNER on warehouses, jobs, pipelines, clusters, serving endpoints and apps go only to allow-listed admins; everyone else gets use, run, query or view levels. One exception: a job or pipeline may be owned by the service principal it runs as (a Lakeflow pipeline runs as its owner).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { admins: ADMINS } },
    validateStack: (args, report) => {
        const { admins } = configOf<{ admins: string[] }>(args, permissionsManageAdminsOnly);
        const directory = new PrincipalDirectory(args.resources, selectorRoles(admins));
        for (const e of permissionEntries(args.resources, directory)) {
            if (!MANAGE_LEVELS.includes(e.level) || matchesAny(admins, e.subject)) continue;
            if (e.level === "IS_OWNER" && e.principalKind === "servicePrincipal" && runsAs(directory, targetOf(e.resource, e.object), e.subject)) continue;
            report(`gives ${e.level} on its ${e.object ?? "object"} to ${describeSubject(e.subject)}, not an allow-listed admin (config "admins": ${names(admins)}).`, e.resource.urn);
        }
    },
};

export const permissionsCodeAndTokensNotToEveryone: ResourceValidationPolicy = {
    name: "permissions-code-and-tokens-not-to-everyone",
    description:
        "No group that means everyone (users, account users) may use personal access tokens or passwords (databricks.Permissions authorization tokens / passwords), or run, edit or manage directories, notebooks, workspace files or repos (reading them is allowed unless configured otherwise): everyone could mint long-lived credentials or change code that others run.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            broadGroups: BROAD,
            codeLevels: stringListSchema("Levels everyone-groups may hold on directories, notebooks, workspace files and repos.", ["CAN_READ"]),
        },
    },
    validateResource: validateResourceOfType(databricks.Permissions, (permissions, args, report) => {
        const { broadGroups, codeLevels } = configOf<{ broadGroups: string[]; codeLevels: string[] }>(args, permissionsCodeAndTokensNotToEveryone);
        const object = permissionObject({ props: permissions as Record<string, unknown> });
        const credential = object === "tokens" || object === "passwords";
        if (!object || (!credential && !CODE_OBJECTS.includes(object))) return;
        for (const control of list<Record<string, unknown>>(() => permissions.accessControls)) {
            const group = knownString(() => control.groupName) ?? knownString(() => control.userName) ?? knownString(() => control.servicePrincipalName);
            const level = normalizeLevel(knownString(() => control.permissionLevel));
            if (group === undefined || level === undefined || !matchesAny(broadGroups, { principal: group })) continue;
            if (credential) report(`gives ${level} on ${object} to "${group}" (everyone): every user could ${object === "tokens" ? "create personal access tokens" : "sign in with a password"}; give it to a group that needs it.`);
            else if (!codeLevels.map((l) => normalizeLevel(l)).includes(level)) report(`gives ${level} on a ${object} to "${group}" (everyone): every user could change or run its code; give it to the team that owns it.`);
        }
    }),
};

export const secretAclNoBroadGroups: ResourceValidationPolicy = {
    name: "secret-acl-no-everyone",
    description: "No secret scope ACL names a group that means everyone (users, account users): every user could read (or change) the platform's credentials.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { broadGroups: BROAD } },
    validateResource: validateResourceOfType(databricks.SecretAcl, (acl, args, report) => {
        const { broadGroups } = configOf<{ broadGroups: string[] }>(args, secretAclNoBroadGroups);
        const principal = knownString(() => acl.principal);
        if (principal !== undefined && matchesAny(broadGroups, { principal })) {
            report(`gives ${knownString(() => acl.permission) ?? "access"} on the scope to "${principal}" (everyone).`);
        }
    }),
};

export const secretAclWriteAdminsOnly: StackValidationPolicy = {
    name: "secret-acl-read-only-except-admins",
    description: "Secret scope ACLs give READ only; WRITE and MANAGE (change secrets, change the ACL) go to allow-listed admins alone.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { admins: ADMINS } },
    validateStack: (args, report) => {
        const { admins } = configOf<{ admins: string[] }>(args, secretAclWriteAdminsOnly);
        const directory = new PrincipalDirectory(args.resources, selectorRoles(admins));
        for (const acl of ofType(args.resources, TYPES.secretAcl)) {
            const permission = normalizeLevel(knownString(() => acl.props.permission));
            if (permission === undefined || permission === "READ") continue;
            const subject = directory.subjectOf(read(() => acl.props.principal as string | undefined), acl, "principal");
            if (isIdentified(subject) && !matchesAny(admins, subject)) {
                report(`gives ${permission} on secret scope ${knownString(() => acl.props.scope) ?? ""} to ${describeSubject(subject)}, not an allow-listed admin (config "admins": ${names(admins)}).`, acl.urn);
            }
        }
    },
};

export const secretScopeNoInitialManage: ResourceValidationPolicy = {
    name: "secret-scope-no-initial-manage-principal",
    description: 'Secret scopes leave initialManagePrincipal unset: its only accepted value, "users", gives every workspace user MANAGE on the scope.',
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.SecretScope, (scope, _args, report) => {
        const principal = read(() => scope.initialManagePrincipal);
        if (principal !== undefined && principal !== null && principal !== "") report(`initialManagePrincipal is "${String(principal)}"; leave it unset and grant READ with a SecretAcl.`);
    }),
};

export const databricksAccessPolicies = [
    permissionsLevelValid,
    permissionsNoBroadManage,
    permissionsManageAdminsOnly,
    permissionsCodeAndTokensNotToEveryone,
    secretAclNoBroadGroups,
    secretAclWriteAdminsOnly,
    secretScopeNoInitialManage,
];
