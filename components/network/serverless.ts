import * as network from "@pulumi/azure-native/network";
import * as storage from "@pulumi/azure-native/storage";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { NetworkSettings } from "./settings";

/** How long the approval waits for Databricks to create an NCC endpoint's connection on the storage account. */
export const NCC_CONNECTION_WAIT = { attempts: 20, intervalMs: 15_000 };

export interface ServerlessAccessArgs {
    location: string;
    resourceGroupName: pulumi.Input<string>;
    /** `ncc` or `perimeter`, and the perimeter's service tag. */
    settings: Pick<NetworkSettings, "serverlessAccess" | "serverlessServiceTag">;
    /** Names of the network connectivity configuration and the perimeter. */
    names: { networkConnectivityConfig: string; perimeter: string };
    /** The lakehouse storage account. */
    storageAccount: { id: pulumi.Input<string>; name: pulumi.Input<string> };
    /** The workspace's numeric id, to bind the NCC to. */
    workspaceId: pulumi.Input<string>;
    /** The account-level Databricks provider (required for `ncc`). */
    accountProvider?: databricks.Provider;
    tags: Record<string, string>;
}

/**
 * How the workspace's serverless compute — the SQL warehouse, serverless jobs and pipelines, model
 * serving — reaches the lakehouse storage, whose firewall admits no one else.
 *
 * `ncc`: an account-level network connectivity configuration bound to the workspace, with private
 * endpoint rules for the account's `dfs` and `blob`, which Databricks creates from its serverless
 * network and the program approves on the storage account. The account keeps no public endpoint.
 *
 * `perimeter`: a network security perimeter around the storage account (whose public endpoint is
 * `SecuredByPerimeter`) whose one inbound rule admits the region's serverless compute (service tag
 * `AzureDatabricksServerless.<Region>`). It starts in Learning mode, in which the account's own
 * firewall rules still apply beside the perimeter's (the access connector's resource rule for Unity
 * Catalog, the operators' addresses); docs/networking.md says how to move to Enforced.
 */
export class ServerlessAccess extends pulumi.ComponentResource {
    constructor(name: string, args: ServerlessAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:network:ServerlessAccess", name, {}, opts);
        if (args.settings.serverlessAccess === "ncc") this.connectivityConfig(args);
        else this.perimeter(args);
        this.registerOutputs({});
    }

    private connectivityConfig(args: ServerlessAccessArgs): void {
        if (!args.accountProvider) throw new Error("ServerlessAccess: ncc needs the account-level provider (network.databricksAccountId)");
        const inAccount = { parent: this, provider: args.accountProvider };
        const ncc = new databricks.MwsNetworkConnectivityConfig("ncc", { name: args.names.networkConnectivityConfig, region: args.location }, inAccount);
        new databricks.MwsNccBinding("ncc-binding", { networkConnectivityConfigId: ncc.networkConnectivityConfigId, workspaceId: args.workspaceId }, inAccount);
        for (const groupId of ["dfs", "blob"] as const) {
            const rule = new databricks.MwsNccPrivateEndpointRule(
                `ncc-${groupId}`,
                { networkConnectivityConfigId: ncc.networkConnectivityConfigId, resourceId: args.storageAccount.id, groupId },
                inAccount,
            );
            // Databricks creates the endpoint from its network; it only carries traffic once the
            // storage account approves its connection (unapproved, it expires after 14 days).
            const connectionName = pulumi
                .all([rule.endpointName, args.storageAccount.name, args.resourceGroupName])
                .apply(([endpointName, accountName, resourceGroupName]) => connectionOf(endpointName, accountName, resourceGroupName, this));
            new storage.PrivateEndpointConnection(
                `ncc-${groupId}-approval`,
                {
                    accountName: args.storageAccount.name,
                    resourceGroupName: args.resourceGroupName,
                    privateEndpointConnectionName: connectionName,
                    privateLinkServiceConnectionState: { status: "Approved", description: "Serverless compute of the lakehouse workspace (Databricks NCC)" },
                },
                // Sending Approved again to an approved connection is refused (400): set it once.
                { parent: this, ignoreChanges: ["privateLinkServiceConnectionState"] },
            );
        }
    }

    private perimeter(args: ServerlessAccessArgs): void {
        const parent = { parent: this };
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };
        const perimeter = new network.NetworkSecurityPerimeter("perimeter", { ...common, networkSecurityPerimeterName: args.names.perimeter }, parent);
        const profile = new network.NetworkSecurityPerimeterProfile(
            "perimeter-profile",
            { ...common, networkSecurityPerimeterName: perimeter.name, profileName: "lakehouse" },
            parent,
        );
        new network.NetworkSecurityPerimeterAccessRule(
            "serverless-inbound",
            {
                ...common,
                networkSecurityPerimeterName: perimeter.name,
                profileName: profile.name,
                accessRuleName: "databricks-serverless",
                direction: "Inbound",
                serviceTags: [args.settings.serverlessServiceTag],
            },
            parent,
        );
        new network.NetworkSecurityPerimeterAssociation(
            "storage-association",
            {
                ...common,
                networkSecurityPerimeterName: perimeter.name,
                associationName: "lakehouse-storage",
                privateLinkResource: { id: args.storageAccount.id },
                profile: { id: profile.id },
                // Learning: the perimeter's rule admits serverless compute, and the account's own
                // firewall rules still apply (the access connector's resource rule included).
                accessMode: "Learning",
            },
            parent,
        );
    }
}

/** The storage account's connection from an NCC endpoint, once Databricks has created it (bounded wait). */
async function connectionOf(endpointName: string, accountName: string, resourceGroupName: string, parent: pulumi.Resource): Promise<string> {
    for (let attempt = 1; attempt <= NCC_CONNECTION_WAIT.attempts; attempt++) {
        const account = await storage.getStorageAccount({ accountName, resourceGroupName }, { parent });
        const found = (account.privateEndpointConnections ?? []).find((c) => (c.privateEndpoint?.id ?? "").toLowerCase().endsWith(`/${endpointName.toLowerCase()}`));
        if (found?.name) return found.name;
        if (attempt < NCC_CONNECTION_WAIT.attempts) await new Promise((resolve) => setTimeout(resolve, NCC_CONNECTION_WAIT.intervalMs));
    }
    const minutes = (NCC_CONNECTION_WAIT.attempts * NCC_CONNECTION_WAIT.intervalMs) / 60_000;
    throw new Error(`storage account ${accountName} shows no connection from the NCC endpoint ${endpointName} after ${minutes} minutes: check the rule's state in the account console, then run pulumi up again`);
}
