import * as azureDatabricks from "@pulumi/azure-native/databricks";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";
import { STORAGE_SUFFIX_LENGTH } from "./naming";
import { adoptOptions } from "./settings/adopt";
import { NetworkSettings } from "./network/settings";
import { StorageSettings } from "./settings/platform";
import { BUILTIN_ROLES, azureRoleAssignment } from "./rbac";

/**
 * How long a new role assignment of the access connector is given to take effect before Unity
 * Catalog validates the storage credential and external locations against it. Azure documents up
 * to ten minutes; without a wait the first `pulumi up` fails on validation and only a re-run
 * succeeds (terraform-provider-databricks #3547, #3069). On a new stack the wait overlaps the
 * workspace's creation (about ten minutes), so it costs no time on the critical path.
 */
export const ROLE_PROPAGATION = "5m";

/** The container that receives raw files before the bronze layer reads them. */
export const LANDING_CONTAINER = "landing";

export interface LakehouseStorageArgs {
    /** Azure region of every resource. */
    location: string;
    /** Resource group name. */
    resourceGroupName: string;
    /** Storage account name without the random suffix (lower-case alphanumerics, at most 18). */
    accountNameStem: string;
    /** Access connector name (the managed identity Unity Catalog uses to reach the account). */
    accessConnectorName: string;
    /** Medallion layers: one private container each, plus the landing container. */
    layers: string[];
    /**
     * The posture's storage side: no public endpoint at all (serverless through NCC private endpoints),
     * or one secured by the network security perimeter (serverless compute), beside a firewall that
     * denies everyone but the access connector and the operators' addresses. Classic compute always
     * comes through private endpoints.
     */
    network: Pick<NetworkSettings, "storagePublicNetworkAccess" | "storageAllowedIpRanges">;
    /** Replication SKU and soft-delete retention. */
    settings: StorageSettings;
    /** Protect the account and containers from deletion (`pulumi destroy` refuses while set). */
    protectData: boolean;
    /** Tags for every Azure resource. */
    tags: Record<string, string>;
    /**
     * Existing resources to import instead of create (`lakehouse:adopt`), always protected. An adopted
     * account keeps its name: no random suffix is generated for it.
     */
    adopt?: {
        /** ARM id of the resource group (its name is `resourceGroupName`). */
        resourceGroupId?: string;
        /** ARM id and name of the storage account. */
        account?: { id: string; name: string };
    };
}

/**
 * The lakehouse's storage: a resource group, an ADLS Gen2 account locked down to the settings
 * Checkov and Trivy check, one private container per medallion layer plus `landing`, and the
 * Databricks access connector with Storage Blob Data Contributor on the account.
 */
export class LakehouseStorage extends pulumi.ComponentResource {
    /** The resource group every platform resource lives in. */
    readonly resourceGroupName: pulumi.Output<string>;
    readonly resourceGroupId: pulumi.Output<string>;
    readonly accountName: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
    /** Container name per layer, plus `landing`. */
    readonly containers: Record<string, pulumi.Output<string>>;
    /** `abfss://<container>@<account>.dfs.core.windows.net/` per container. */
    readonly containerUrls: Record<string, pulumi.Output<string>>;
    /**
     * Resource id of the access connector (for the Unity Catalog storage credential), known only once
     * its role on the account has had `ROLE_PROPAGATION` to take effect: what validates against it waits.
     */
    readonly accessConnectorId: pulumi.Output<string>;
    /** Principal id of the access connector's system-assigned identity. */
    readonly accessConnectorPrincipalId: pulumi.Output<string>;

    constructor(name: string, args: LakehouseStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:storage:LakehouseStorage", name, {}, opts);
        const parent = { parent: this };
        const data = { parent: this, protect: args.protectData };

        const group = new resources.ResourceGroup(
            "resource-group",
            { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags },
            { ...parent, ...adoptOptions(args.adopt?.resourceGroupId) },
        );

        // Protected with the data: its managed identity is what the storage credential and the
        // account's firewall trust, so losing it cuts Unity Catalog off the lake.
        const connector = new azureDatabricks.AccessConnector(
            "access-connector",
            {
                connectorName: args.accessConnectorName,
                resourceGroupName: group.name,
                location: args.location,
                identity: { type: "SystemAssigned" },
                tags: args.tags,
            },
            data,
        );

        // An adopted account keeps its name; a new one gets a random suffix kept in state.
        const adoptedAccount = args.adopt?.account;
        let accountName: pulumi.Input<string>;
        if (adoptedAccount) {
            accountName = adoptedAccount.name;
        } else {
            const suffix = new random.RandomString(
                "account-suffix",
                { length: STORAGE_SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
                parent,
            );
            accountName = pulumi.interpolate`${args.accountNameStem}${suffix.result}`;
        }

        const account = new storage.StorageAccount(
            "account",
            {
                accountName,
                resourceGroupName: group.name,
                location: args.location,
                kind: storage.Kind.StorageV2,
                sku: { name: args.settings.sku },
                accessTier: storage.AccessTier.Hot,
                isHnsEnabled: true,
                minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
                enableHttpsTrafficOnly: true,
                allowBlobPublicAccess: false,
                allowSharedKeyAccess: false,
                defaultToOAuthAuthentication: true,
                allowCrossTenantReplication: false,
                isLocalUserEnabled: false,
                isSftpEnabled: false,
                publicNetworkAccess: args.network.storagePublicNetworkAccess,
                networkRuleSet: {
                    defaultAction: storage.DefaultAction.Deny,
                    bypass: storage.Bypass.AzureServices,
                    ipRules: args.network.storageAllowedIpRanges.map((range) => ({
                        iPAddressOrRange: range,
                        action: storage.Action.Allow,
                    })),
                    // Unity Catalog reaches the account through the access connector's identity.
                    resourceAccessRules: [
                        {
                            tenantId: connector.identity.apply((i) => i?.tenantId ?? ""),
                            resourceId: connector.id,
                        },
                    ],
                },
                encryption: {
                    keySource: storage.KeySource.Microsoft_Storage,
                    requireInfrastructureEncryption: true,
                    services: {
                        blob: { enabled: true, keyType: storage.KeyType.Account },
                        file: { enabled: true, keyType: storage.KeyType.Account },
                    },
                },
                tags: args.tags,
            },
            { ...data, ...adoptOptions(adoptedAccount?.id) },
        );

        // No blob versioning: Azure refuses it on hierarchical-namespace accounts (and so does the config).
        new storage.BlobServiceProperties(
            "blob-service",
            {
                accountName: account.name,
                resourceGroupName: group.name,
                blobServicesName: "default",
                deleteRetentionPolicy: { enabled: true, days: args.settings.softDeleteDays },
                containerDeleteRetentionPolicy: { enabled: true, days: args.settings.softDeleteDays },
            },
            parent,
        );

        const containers: Record<string, pulumi.Output<string>> = {};
        const containerUrls: Record<string, pulumi.Output<string>> = {};
        for (const containerName of [LANDING_CONTAINER, ...args.layers]) {
            const container = new storage.BlobContainer(
                `container-${containerName}`,
                {
                    accountName: account.name,
                    resourceGroupName: group.name,
                    containerName,
                    publicAccess: storage.PublicAccess.None,
                },
                data,
            );
            containers[containerName] = container.name;
            containerUrls[containerName] = pulumi.interpolate`abfss://${container.name}@${account.name}.dfs.core.windows.net/`;
        }

        const connectorPrincipalId = connector.identity.apply((i) => i?.principalId ?? "");
        const connectorRole = azureRoleAssignment(this, "connector-blob-contributor", {
            scope: account.id,
            principalId: connectorPrincipalId,
            role: BUILTIN_ROLES.storageBlobDataContributor,
        });
        // Waits once per assignment (a new one, e.g. for a new connector, waits again).
        const propagation = new time.Sleep("connector-role-propagation", { createDuration: ROLE_PROPAGATION, triggers: { roleAssignment: connectorRole.id } }, parent);

        this.resourceGroupName = group.name;
        this.resourceGroupId = group.id;
        this.accountName = account.name;
        this.accountId = account.id;
        this.containers = containers;
        this.containerUrls = containerUrls;
        this.accessConnectorId = pulumi.all([connector.id, propagation.id]).apply(([id]) => id);
        this.accessConnectorPrincipalId = connectorPrincipalId;
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            accountName: this.accountName,
            accessConnectorId: this.accessConnectorId,
        });
    }
}
