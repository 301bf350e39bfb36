import * as azureDatabricks from "@pulumi/azure-native/databricks";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { subscriptionId } from "./rbac";
import { adoptOptions } from "./settings/adopt";
import { NetworkSettings } from "./settings/platform";

/**
 * Workspace settings that keep data and credentials in the workspace (the security reference
 * architecture's workspace_conf): no downloading query results, no notebook export, no copying
 * tables to the clipboard, and personal access tokens that expire within 90 days.
 */
export const WORKSPACE_CONF: Readonly<Record<string, string>> = {
    enableResultsDownloading: "false",
    enableExportNotebook: "false",
    enableNotebookTableClipboard: "false",
    maxTokenLifetimeDays: "90",
};

export interface DatabricksWorkspaceArgs {
    /** Azure region of the workspace. */
    location: string;
    /** Resource group the workspace lives in. */
    resourceGroupName: pulumi.Input<string>;
    /** Workspace name. */
    workspaceName: string;
    /** Name of the resource group Azure Databricks creates and manages for the workspace's compute. */
    managedResourceGroupName: string;
    /** Public network access and, when it is off, the VNet the workspace is injected into. */
    network: NetworkSettings;
    /** Tags for the workspace (Azure copies them to the managed resource group). */
    tags: Record<string, string>;
    /**
     * An existing workspace to import instead of create (`lakehouse:adopt`), always protected, with
     * the ARM id of its managed resource group (a different one would replace the workspace).
     */
    adopt?: { id: string; managedResourceGroupId: string };
}

/**
 * A Premium Azure Databricks workspace with secure cluster connectivity (no public IPs on compute),
 * its hardened workspace configuration (`WORKSPACE_CONF`), and the explicit Databricks provider
 * built from its URL and resource id, so every later Databricks resource is created in this
 * workspace in the same program (no second stack, no hand-copied host).
 */
export class DatabricksWorkspace extends pulumi.ComponentResource {
    readonly workspaceId: pulumi.Output<string>;
    /** Azure resource id of the workspace. */
    readonly resourceId: pulumi.Output<string>;
    /** `https://adb-<id>.<n>.azuredatabricks.net` */
    readonly url: pulumi.Output<string>;
    /** The provider every Databricks resource must use. */
    readonly provider: databricks.Provider;

    constructor(name: string, args: DatabricksWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:workspace:DatabricksWorkspace", name, {}, opts);
        const vnet = args.network.virtualNetwork;
        const privateWorkspace = args.network.workspacePublicNetworkAccess === "Disabled";

        const workspace = new azureDatabricks.Workspace(
            "workspace",
            {
                workspaceName: args.workspaceName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: "premium" },
                managedResourceGroupId:
                    args.adopt?.managedResourceGroupId ?? pulumi.interpolate`/subscriptions/${subscriptionId(this)}/resourceGroups/${args.managedResourceGroupName}`,
                publicNetworkAccess: args.network.workspacePublicNetworkAccess,
                // Private workspaces reach the control plane over Private Link, so Azure must not add its NSG rules.
                requiredNsgRules: privateWorkspace ? "NoAzureDatabricksRules" : "AllRules",
                parameters: {
                    enableNoPublicIp: { value: true },
                    ...(vnet
                        ? {
                              customVirtualNetworkId: { value: vnet.id },
                              customPublicSubnetName: { value: vnet.publicSubnetName },
                              customPrivateSubnetName: { value: vnet.privateSubnetName },
                          }
                        : {}),
                },
                tags: args.tags,
            },
            { parent: this, ...adoptOptions(args.adopt?.id) },
        );

        this.workspaceId = workspace.workspaceId;
        this.resourceId = workspace.id;
        this.url = pulumi.interpolate`https://${workspace.workspaceUrl}`;
        // Credentials come from the environment (ARM_* variables, Azure CLI or OIDC via Pulumi ESC).
        this.provider = new databricks.Provider(
            "workspace-provider",
            { host: this.url, azureWorkspaceResourceId: workspace.id },
            { parent: this },
        );
        new databricks.WorkspaceConf("workspace-conf", { customConfig: { ...WORKSPACE_CONF } }, { parent: this, provider: this.provider });
        this.registerOutputs({ workspaceId: this.workspaceId, url: this.url });
    }
}
