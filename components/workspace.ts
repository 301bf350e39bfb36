import * as azureDatabricks from "@pulumi/azure-native/databricks";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { Posture } from "./network/settings";
import { subscriptionId } from "./rbac";
import { adoptOptions } from "./settings/adopt";
import { SecuritySettings } from "./network/settings";


export interface DatabricksWorkspaceArgs {
    /** Azure region of the workspace. */
    location: string;
    /** Resource group the workspace lives in. */
    resourceGroupName: pulumi.Input<string>;
    /** Workspace name. */
    workspaceName: string;
    /** Name of the resource group Azure Databricks creates and manages for the workspace's compute. */
    managedResourceGroupName: string;
    /** `private`: no public front end, Private Link to the control plane; `development`: a public front end. */
    posture: Posture;
    /** The VNet the workspace is injected into and its two subnets (`LakehouseNetwork`). */
    virtualNetwork: { id: pulumi.Input<string>; hostSubnet: pulumi.Input<string>; containerSubnet: pulumi.Input<string> };
    /** Resources the workspace waits for: its subnets with their NSG and NAT gateway attached. */
    networkReady: pulumi.Resource[];
    /** Enhanced security monitoring, automatic cluster update and the compliance security profile. */
    security: Pick<SecuritySettings, "enhancedSecurityMonitoring" | "automaticClusterUpdate" | "complianceSecurityProfile">;
    /** A customer-managed key for the managed services (notebooks, secrets, queries), when opted in. */
    managedServicesKey?: { keyVaultUri: pulumi.Input<string>; keyName: pulumi.Input<string>; keyVersion: pulumi.Input<string> };
    /** Tags for the workspace (Azure copies them to the managed resource group). */
    tags: Record<string, string>;
    /**
     * Protect the workspace (production): it holds notebooks, jobs, queries and their history, and a
     * change that replaces it (another VNet) must stop `pulumi up` rather than start from empty.
     */
    protect: boolean;
    /**
     * An existing workspace to import instead of create (`lakehouse:adopt`), always protected, with
     * the ARM id of its managed resource group (a different one would replace the workspace).
     */
    adopt?: { id: string; managedResourceGroupId: string };
}

/**
 * A Premium Azure Databricks workspace injected into the stack's VNet, with secure cluster
 * connectivity (no public IPs on compute), and the explicit Databricks provider built from its URL
 * and resource id, so every later Databricks resource is created in this workspace in the same
 * program. In the private posture its front end is off the internet (Private Link only) and Azure
 * adds no NSG rules of its own (the control plane is reached over Private Link).
 *
 * Changing posture updates it in place (both postures use the same VNet and subnets); changing the
 * VNet or subnets replaces it: Azure cannot move a workspace into another VNet (docs/networking.md,
 * "Changing posture").
 */
export class DatabricksWorkspace extends pulumi.ComponentResource {
    /** The workspace's numeric id (what account-level resources name it by). */
    readonly workspaceId: pulumi.Output<string>;
    /** Azure resource id of the workspace. */
    readonly resourceId: pulumi.Output<string>;
    /** `https://adb-<id>.<n>.azuredatabricks.net` */
    readonly url: pulumi.Output<string>;
    /** The provider every Databricks resource must use. */
    readonly provider: databricks.Provider;

    constructor(name: string, args: DatabricksWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:workspace:DatabricksWorkspace", name, {}, opts);
        const enabled = (on: boolean) => (on ? "Enabled" : "Disabled");
        const csp = args.security.complianceSecurityProfile;

        const workspace = new azureDatabricks.Workspace(
            "workspace",
            {
                workspaceName: args.workspaceName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: "premium" },
                // Required on create and fixed for life: Hybrid keeps classic compute (VNet injection,
                // job clusters) beside serverless; Serverless-only workspaces have neither.
                computeMode: "Hybrid",
                managedResourceGroupId:
                    args.adopt?.managedResourceGroupId ?? pulumi.interpolate`/subscriptions/${subscriptionId(this)}/resourceGroups/${args.managedResourceGroupName}`,
                publicNetworkAccess: args.posture === "private" ? "Disabled" : "Enabled",
                // Over Private Link the control plane needs no inbound NSG rules, so Azure must add none.
                requiredNsgRules: args.posture === "private" ? "NoAzureDatabricksRules" : "AllRules",
                parameters: {
                    enableNoPublicIp: { value: true },
                    customVirtualNetworkId: { value: args.virtualNetwork.id },
                    customPublicSubnetName: { value: args.virtualNetwork.hostSubnet },
                    customPrivateSubnetName: { value: args.virtualNetwork.containerSubnet },
                },
                enhancedSecurityCompliance: {
                    enhancedSecurityMonitoring: { value: enabled(args.security.enhancedSecurityMonitoring) },
                    automaticClusterUpdate: { value: enabled(args.security.automaticClusterUpdate) },
                    complianceSecurityProfile: { value: enabled(csp.enabled), ...(csp.enabled ? { complianceStandards: csp.standards } : {}) },
                },
                ...(args.managedServicesKey
                    ? {
                          encryption: {
                              entities: {
                                  managedServices: {
                                      keySource: "Microsoft.Keyvault",
                                      keyVaultProperties: {
                                          keyVaultUri: args.managedServicesKey.keyVaultUri,
                                          keyName: args.managedServicesKey.keyName,
                                          keyVersion: args.managedServicesKey.keyVersion,
                                      },
                                  },
                              },
                          },
                      }
                    : {}),
                tags: args.tags,
            },
            { parent: this, dependsOn: args.networkReady, protect: args.protect, ...adoptOptions(args.adopt?.id) },
        );

        this.workspaceId = workspace.workspaceId;
        this.resourceId = workspace.id;
        this.url = pulumi.interpolate`https://${workspace.workspaceUrl}`;
        // Credentials come from the environment (az login, Deployments' OIDC, GitHub's OIDC).
        this.provider = new databricks.Provider(
            "workspace-provider",
            { host: this.url, azureWorkspaceResourceId: workspace.id },
            { parent: this },
        );
        this.registerOutputs({ workspaceId: this.workspaceId, url: this.url });
    }
}
