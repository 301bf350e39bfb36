import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { roleAssignmentName } from "./naming";

/** Azure built-in role definition GUIDs the program assigns (and the ones policies forbid). */
export const BUILTIN_ROLES = {
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    /** Wrap and unwrap with a vault's keys, nothing else (what Azure Databricks needs for customer-managed keys). */
    keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    /** Create and manage a vault's keys (the deployer, on the one vault it creates). */
    keyVaultCryptoOfficer: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
} as const;

/** A data-plane role for one principal on one scope. */
export interface RoleGrant {
    /** Resource id the role applies to (a storage account or container, never wider). */
    scope: pulumi.Input<string>;
    /** Object id of the principal (service principal or managed identity). */
    principalId: pulumi.Input<string>;
    /** Built-in role definition GUID. */
    role: string;
    /** Whom `principalId` names (default a service principal); `infer` lets Azure look it up (the deployer may be a user or a service principal). */
    principalType?: authorization.PrincipalType | "infer";
}

/**
 * Assigns a built-in role with a deterministic GUID name (uuid v5 of scope, principal and role), so
 * re-running never creates a duplicate assignment and a changed principal replaces it cleanly.
 */
export function azureRoleAssignment(parent: pulumi.Resource, name: string, grant: RoleGrant): authorization.RoleAssignment {
    return new authorization.RoleAssignment(
        name,
        {
            roleAssignmentName: pulumi
                .all([grant.scope, grant.principalId])
                .apply(([scope, principal]) => roleAssignmentName(scope, principal, grant.role)),
            scope: grant.scope,
            principalId: grant.principalId,
            ...(grant.principalType === "infer" ? {} : { principalType: grant.principalType ?? authorization.PrincipalType.ServicePrincipal }),
            roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId(parent)}/providers/Microsoft.Authorization/roleDefinitions/${grant.role}`,
        },
        { parent },
    );
}

/** The subscription the Azure provider deploys into. */
export function subscriptionId(parent: pulumi.Resource): pulumi.Output<string> {
    return authorization.getClientConfigOutput({ parent }).subscriptionId;
}
