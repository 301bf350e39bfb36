import * as pulumi from "@pulumi/pulumi";
import { privateEndpoint } from "./network";
import { DnsZoneKey, NetworkSettings } from "./settings";

export interface PrivateAccessArgs {
    location: string;
    resourceGroupName: pulumi.Input<string>;
    /** Stem of the endpoints' names (`<prefix>-<stack>`). */
    nameStem: string;
    /** The posture and whether the region's browser-authentication endpoint exists already. */
    settings: Pick<NetworkSettings, "posture" | "browserAuthentication">;
    /** The subnet endpoints go in (`LakehouseNetwork.privateEndpointSubnetId`). */
    subnetId: pulumi.Input<string>;
    /** Zone → private DNS zone id (`LakehouseNetwork.dnsZoneIds`). */
    dnsZoneIds: Partial<Record<DnsZoneKey, pulumi.Input<string>>>;
    /** The lakehouse storage account: `dfs` and `blob` endpoints, so classic compute reaches it privately. */
    storageAccountId: pulumi.Input<string>;
    /** The workspace (ARM id): in the private posture, its UI/API and browser-login endpoints. */
    workspaceResourceId: pulumi.Input<string>;
    tags: Record<string, string>;
}

/**
 * The private endpoints of the stack. Always the storage account's `dfs` and `blob` endpoints in the
 * workspace's VNet: the clusters (VNet-injected) reach the lakehouse data without the public
 * endpoint. In the private posture also the workspace's `databricks_ui_api` endpoint (the front end
 * and the clusters' back-end connection to the control plane, Databricks' "simplified" deployment)
 * and, unless the region has one already, `browser_authentication` for single sign-on.
 */
export class PrivateAccess extends pulumi.ComponentResource {
    /** Group id → endpoint id, for every endpoint created. */
    readonly endpointIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: PrivateAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:network:PrivateAccess", name, {}, opts);
        const zone = (key: DnsZoneKey) => {
            const id = args.dnsZoneIds[key];
            if (id === undefined) throw new Error(`PrivateAccess: no ${key} DNS zone`);
            return id;
        };
        const common = { location: args.location, resourceGroupName: args.resourceGroupName, subnetId: args.subnetId, tags: args.tags };
        this.endpointIds = {};
        for (const groupId of ["dfs", "blob"] as const) {
            const endpoint = privateEndpoint(this, `storage-${groupId}`, {
                ...common,
                endpointName: `pe-${args.nameStem}-${groupId}`,
                targetId: args.storageAccountId,
                groupId,
                dnsZoneId: zone(groupId),
            });
            this.endpointIds[groupId] = endpoint.id;
        }
        if (args.settings.posture === "private") {
            const uiApi = privateEndpoint(this, "workspace-ui-api", {
                ...common,
                endpointName: `pe-${args.nameStem}-ui-api`,
                targetId: args.workspaceResourceId,
                groupId: "databricks_ui_api",
                dnsZoneId: zone("databricks"),
            });
            this.endpointIds.databricks_ui_api = uiApi.id;
            if (args.settings.browserAuthentication === "create") {
                // After the first: Azure refuses concurrent endpoint changes on one workspace ("Updating").
                const auth = privateEndpoint(
                    this,
                    "workspace-browser-authentication",
                    { ...common, endpointName: `pe-${args.nameStem}-browser-auth`, targetId: args.workspaceResourceId, groupId: "browser_authentication", dnsZoneId: zone("databricks") },
                    { dependsOn: [uiApi] },
                );
                this.endpointIds.browser_authentication = auth.id;
            }
        }
        this.registerOutputs({ endpointIds: this.endpointIds });
    }
}
