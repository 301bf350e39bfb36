import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { STORAGE_SUFFIX_LENGTH } from "../naming";
import { privateEndpoint } from "../network/network";
import { BUILTIN_ROLES, azureRoleAssignment } from "../rbac";
import { ROLE_PROPAGATION } from "../storage";

/** Azure Databricks' first-party application, the same id in every tenant. */
export const AZURE_DATABRICKS_APPLICATION_ID = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

export interface ManagedKeysArgs {
    location: string;
    resourceGroupName: pulumi.Input<string>;
    /** Key Vault name without the random suffix. */
    vaultNameStem: string;
    /** The private-endpoint subnet and the `privatelink.vaultcore.azure.net` zone. */
    privateEndpoint: { subnetId: pulumi.Input<string>; dnsZoneId: pulumi.Input<string>; name: string };
    tags: Record<string, string>;
}

/**
 * Customer-managed keys for the workspace's managed services (notebooks, secrets, queries): a
 * Premium Key Vault with purge protection and RBAC authorization, reachable through a private
 * endpoint and, for the Databricks control plane, as a trusted service; an RSA key; Azure
 * Databricks may wrap and unwrap with it and nothing more. The workspace waits until those grants
 * have taken effect.
 */
export class ManagedKeys extends pulumi.ComponentResource {
    /** What the workspace's `encryption.entities.managedServices` takes. */
    readonly managedServicesKey: { keyVaultUri: pulumi.Output<string>; keyName: pulumi.Output<string>; keyVersion: pulumi.Output<string> };

    constructor(name: string, args: ManagedKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:security:ManagedKeys", name, {}, opts);
        const parent = { parent: this };
        const client = authorization.getClientConfigOutput({ parent: this });
        const suffix = new random.RandomString("vault-suffix", { length: STORAGE_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true }, parent);
        const vault = new keyvault.Vault(
            "vault",
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                vaultName: pulumi.interpolate`${args.vaultNameStem}${suffix.result}`,
                properties: {
                    tenantId: client.tenantId,
                    sku: { family: "A", name: "premium" },
                    enableRbacAuthorization: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: 90,
                    enablePurgeProtection: true,
                    // Azure Databricks reaches the key as a trusted service; everyone else through the private endpoint.
                    networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
                },
                tags: args.tags,
            },
            { ...parent, protect: true },
        );
        privateEndpoint(this, "vault-endpoint", {
            location: args.location,
            resourceGroupName: args.resourceGroupName,
            endpointName: args.privateEndpoint.name,
            subnetId: args.privateEndpoint.subnetId,
            targetId: vault.id,
            groupId: "vault",
            dnsZoneId: args.privateEndpoint.dnsZoneId,
            tags: args.tags,
        });

        const databricksApp = azuread.getServicePrincipalOutput({ clientId: AZURE_DATABRICKS_APPLICATION_ID }, { parent: this });
        const deployerRole = azureRoleAssignment(this, "deployer-crypto-officer", { scope: vault.id, principalId: client.objectId, role: BUILTIN_ROLES.keyVaultCryptoOfficer, principalType: "infer" });
        const databricksRole = azureRoleAssignment(this, "databricks-crypto-user", {
            scope: vault.id,
            principalId: databricksApp.objectId,
            role: BUILTIN_ROLES.keyVaultCryptoServiceEncryptionUser,
        });
        const propagation = new time.Sleep(
            "key-role-propagation",
            { createDuration: ROLE_PROPAGATION, triggers: { deployer: deployerRole.id, databricks: databricksRole.id } },
            parent,
        );
        const key = new keyvault.Key(
            "managed-services-key",
            {
                resourceGroupName: args.resourceGroupName,
                vaultName: vault.name,
                keyName: "databricks-managed-services",
                properties: { kty: "RSA-HSM", keySize: 2048, keyOps: ["wrapKey", "unwrapKey"] },
            },
            { ...parent, protect: true, dependsOn: [propagation] },
        );
        this.managedServicesKey = {
            keyVaultUri: vault.properties.apply((p) => p.vaultUri ?? ""),
            keyName: key.name,
            keyVersion: key.keyUriWithVersion.apply((uri) => uri.split("/").pop() ?? ""),
        };
        this.registerOutputs({ keyVaultUri: this.managedServicesKey.keyVaultUri });
    }
}
