/** Azure role assignments: no control-plane admin roles, data roles scoped to the storage they serve. */
import * as authorization from "@pulumi/azure-native/authorization";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { read, stringListSchema, configOf } from "./util";

/** Built-in role definition GUIDs (REFERENCE.md). */
export const ROLE_GUIDS = {
    owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    rbacAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
} as const;

const ROLE_NAMES: Record<string, string> = {
    [ROLE_GUIDS.owner]: "Owner",
    [ROLE_GUIDS.contributor]: "Contributor",
    [ROLE_GUIDS.userAccessAdministrator]: "User Access Administrator",
    [ROLE_GUIDS.rbacAdministrator]: "Role Based Access Control Administrator",
    [ROLE_GUIDS.storageBlobDataOwner]: "Storage Blob Data Owner",
    [ROLE_GUIDS.storageBlobDataContributor]: "Storage Blob Data Contributor",
    [ROLE_GUIDS.storageBlobDataReader]: "Storage Blob Data Reader",
};

/** The role definition GUID at the end of a roleDefinitionId (lower case), or undefined when unknown. */
export function roleGuid(roleDefinitionId: unknown): string | undefined {
    if (typeof roleDefinitionId !== "string") return undefined;
    const m = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s*$/i.exec(roleDefinitionId);
    return m ? m[1].toLowerCase() : undefined;
}

function roleName(guid: string): string {
    return ROLE_NAMES[guid] ?? guid;
}

export const rbacNoPrivilegedRoles: ResourceValidationPolicy = {
    name: "rbac-no-privileged-roles",
    description: "No role assignment grants Owner, Contributor, User Access Administrator or Role Based Access Control Administrator: workload identities get data-plane roles only, never control of the subscription's resources or its access.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            forbiddenRoles: stringListSchema("Role definition GUIDs no assignment may use.", [
                ROLE_GUIDS.owner,
                ROLE_GUIDS.contributor,
                ROLE_GUIDS.userAccessAdministrator,
                ROLE_GUIDS.rbacAdministrator,
            ]),
        },
    },
    validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, args, report) => {
        const { forbiddenRoles } = configOf<{ forbiddenRoles: string[] }>(args, rbacNoPrivilegedRoles);
        const guid = roleGuid(read(() => assignment.roleDefinitionId));
        if (guid && forbiddenRoles.map((r) => r.toLowerCase()).includes(guid)) {
            report(`assigns ${roleName(guid)} (${guid}); use a narrower data-plane role.`);
        }
    }),
};

/** `/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/<name>[/blobServices/default/containers/<c>]` */
const STORAGE_SCOPE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+(\/blobServices\/default\/containers\/[^/]+)?$/i;

export const rbacDataRolesScoped: ResourceValidationPolicy = {
    name: "rbac-data-roles-scoped-to-storage",
    description: "Storage data roles (Storage Blob Data Owner / Contributor / Reader) are assigned on one storage account or one container, never on a resource group, subscription or management group.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            dataRoles: stringListSchema("Role definition GUIDs that grant access to data.", [
                ROLE_GUIDS.storageBlobDataOwner,
                ROLE_GUIDS.storageBlobDataContributor,
                ROLE_GUIDS.storageBlobDataReader,
            ]),
        },
    },
    validateResource: validateResourceOfType(authorization.RoleAssignment, (assignment, args, report) => {
        const { dataRoles } = configOf<{ dataRoles: string[] }>(args, rbacDataRolesScoped);
        const guid = roleGuid(read(() => assignment.roleDefinitionId));
        if (!guid || !dataRoles.map((r) => r.toLowerCase()).includes(guid)) return;
        const scope = read(() => assignment.scope);
        if (typeof scope === "string" && !STORAGE_SCOPE.test(scope)) {
            report(`assigns ${roleName(guid)} on ${scope}; scope it to the storage account or a container.`);
        }
    }),
};

export const azureRbacPolicies = [rbacNoPrivilegedRoles, rbacDataRolesScoped];
