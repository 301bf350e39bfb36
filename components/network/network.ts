import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNames } from "../naming";
import { DnsZoneKey, NetworkSettings, PRIVATE_DNS_ZONES } from "./settings";

/** The delegation every VNet-injected workspace subnet needs. */
export const DATABRICKS_DELEGATION = "Microsoft.Databricks/workspaces";

export interface LakehouseNetworkArgs {
    /** Azure region of every resource. */
    location: string;
    /** Resource group of the network resources (the platform's). */
    resourceGroupName: pulumi.Input<string>;
    /** Names of the VNet, NSGs, NAT gateway and public IP. */
    names: Pick<PlatformNames, "virtualNetwork" | "workspaceNsg" | "privateEndpointNsg" | "natGateway" | "natPublicIp">;
    /** The resolved posture: which VNet, which subnets, which DNS zones exist already. */
    settings: NetworkSettings;
    /** Tags for every Azure resource. */
    tags: Record<string, string>;
}

/**
 * Where the workspace's clusters and the private endpoints live. Either a spoke VNet the program
 * creates — the workspace's host and container subnets (delegated to Azure Databricks, one NSG, a
 * NAT gateway for egress: secure cluster connectivity gives nodes no public IPs) and a
 * private-endpoint subnet — or the network team's existing VNet and subnets, named in config, to
 * which the program adds nothing. Plus the private DNS zones the posture needs, created and linked
 * to the VNet unless existing ones are named.
 */
export class LakehouseNetwork extends pulumi.ComponentResource {
    /** ARM id of the VNet the workspace is injected into. */
    readonly virtualNetworkId: pulumi.Output<string>;
    /** Names of the workspace's subnets, as the workspace's `customPublicSubnetName`/`customPrivateSubnetName` take them. */
    readonly hostSubnetName: pulumi.Output<string>;
    readonly containerSubnetName: pulumi.Output<string>;
    /** ARM id of the subnet private endpoints go in. */
    readonly privateEndpointSubnetId: pulumi.Output<string>;
    /** Zone → private DNS zone id, for every zone the posture needs. */
    readonly dnsZoneIds: Partial<Record<DnsZoneKey, pulumi.Output<string>>>;
    /** What the workspace must wait for: subnets with their NSG and NAT gateway attached. */
    readonly workspaceReady: pulumi.Resource[];

    constructor(name: string, args: LakehouseNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:network:LakehouseNetwork", name, {}, opts);
        const parent = { parent: this };
        const vnetSettings = args.settings.virtualNetwork;
        const azure = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };

        if (vnetSettings.kind === "existing") {
            this.virtualNetworkId = pulumi.output(vnetSettings.id);
            this.hostSubnetName = pulumi.output(vnetSettings.hostSubnet);
            this.containerSubnetName = pulumi.output(vnetSettings.containerSubnet);
            this.privateEndpointSubnetId = pulumi.output(`${vnetSettings.id}/subnets/${vnetSettings.privateEndpointSubnet}`);
            this.workspaceReady = [];
        } else {
            const { subnets } = vnetSettings;
            // No inline rules, and changes to them ignored: Azure Databricks adds its own rules to the
            // NSG of delegated subnets, which a managed rule list would delete on the next update.
            const workspaceNsg = new network.NetworkSecurityGroup(
                "workspace-nsg",
                { ...azure, networkSecurityGroupName: args.names.workspaceNsg },
                { ...parent, ignoreChanges: ["securityRules"] },
            );
            const endpointNsg = new network.NetworkSecurityGroup("private-endpoint-nsg", { ...azure, networkSecurityGroupName: args.names.privateEndpointNsg }, parent);
            const publicIp = new network.PublicIPAddress(
                "nat-public-ip",
                { ...azure, publicIpAddressName: args.names.natPublicIp, sku: { name: "Standard" }, publicIPAllocationMethod: "Static" },
                parent,
            );
            const nat = new network.NatGateway(
                "nat-gateway",
                { ...azure, natGatewayName: args.names.natGateway, sku: { name: "Standard" }, publicIpAddresses: [{ id: publicIp.id }], idleTimeoutInMinutes: 10 },
                parent,
            );
            // Subnets are their own resources (never inline, which would fight over them), so the VNet
            // ignores its `subnets` list.
            const vnet = new network.VirtualNetwork(
                "virtual-network",
                { ...azure, virtualNetworkName: args.names.virtualNetwork, addressSpace: { addressPrefixes: [vnetSettings.addressSpace] } },
                { ...parent, ignoreChanges: ["subnets"] },
            );
            const subnet = (logical: string, subnetName: string, addressPrefix: string, extra: Partial<network.SubnetArgs>, after: pulumi.Resource[]) =>
                new network.Subnet(
                    logical,
                    { resourceGroupName: args.resourceGroupName, virtualNetworkName: vnet.name, subnetName, addressPrefix, defaultOutboundAccess: false, ...extra },
                    // One subnet at a time: Azure refuses concurrent changes to one VNet (AnotherOperationInProgress).
                    { ...parent, dependsOn: after },
                );
            const workspaceSubnet = {
                networkSecurityGroup: { id: workspaceNsg.id },
                natGateway: { id: nat.id },
                delegations: [{ name: "databricks", serviceName: DATABRICKS_DELEGATION }],
            };
            const host = subnet("host-subnet", "host", subnets.host, workspaceSubnet, []);
            const container = subnet("container-subnet", "container", subnets.container, workspaceSubnet, [host]);
            const endpoints = subnet("private-endpoint-subnet", "private-endpoints", subnets.privateEndpoints, { networkSecurityGroup: { id: endpointNsg.id } }, [container]);

            this.virtualNetworkId = vnet.id;
            this.hostSubnetName = host.name.apply((n) => n ?? "host");
            this.containerSubnetName = container.name.apply((n) => n ?? "container");
            this.privateEndpointSubnetId = endpoints.id;
            this.workspaceReady = [host, container];
        }

        this.dnsZoneIds = {};
        for (const [key, existing] of Object.entries(args.settings.dnsZones) as [DnsZoneKey, string | undefined][]) {
            if (existing) {
                this.dnsZoneIds[key] = pulumi.output(existing);
                continue;
            }
            const zone = new privatedns.PrivateZone(
                `dns-zone-${key}`,
                { resourceGroupName: args.resourceGroupName, privateZoneName: PRIVATE_DNS_ZONES[key], location: "global", tags: args.tags },
                parent,
            );
            new privatedns.VirtualNetworkLink(
                `dns-link-${key}`,
                {
                    resourceGroupName: args.resourceGroupName,
                    privateZoneName: zone.name,
                    virtualNetworkLinkName: `${args.names.virtualNetwork}-link`,
                    virtualNetwork: { id: this.virtualNetworkId },
                    registrationEnabled: false,
                    location: "global",
                    tags: args.tags,
                },
                parent,
            );
            this.dnsZoneIds[key] = zone.id;
        }

        this.registerOutputs({ virtualNetworkId: this.virtualNetworkId, privateEndpointSubnetId: this.privateEndpointSubnetId });
    }
}

export interface PrivateEndpointArgs {
    location: string;
    resourceGroupName: pulumi.Input<string>;
    /** The private endpoint's name in Azure. */
    endpointName: string;
    subnetId: pulumi.Input<string>;
    /** ARM id of the resource it connects to. */
    targetId: pulumi.Input<string>;
    /** The sub-resource: `dfs`, `blob`, `databricks_ui_api`, `browser_authentication`, `vault`. */
    groupId: string;
    /** The private DNS zone it registers its address in. */
    dnsZoneId: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** A private endpoint and the DNS zone group that registers its address: one connection, auto-approved (same tenant). */
export function privateEndpoint(parent: pulumi.Resource, name: string, args: PrivateEndpointArgs, opts: pulumi.CustomResourceOptions = {}): network.PrivateEndpoint {
    const endpoint = new network.PrivateEndpoint(
        name,
        {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            privateEndpointName: args.endpointName,
            subnet: { id: args.subnetId },
            privateLinkServiceConnections: [{ name: args.endpointName, privateLinkServiceId: args.targetId, groupIds: [args.groupId] }],
            tags: args.tags,
        },
        { parent, ...opts },
    );
    new network.PrivateDnsZoneGroup(
        `${name}-dns`,
        {
            resourceGroupName: args.resourceGroupName,
            privateEndpointName: endpoint.name,
            privateDnsZoneGroupName: "default",
            privateDnsZoneConfigs: [{ name: args.groupId.replace(/_/g, "-"), privateDnsZoneId: args.dnsZoneId }],
        },
        { parent },
    );
    return endpoint;
}
