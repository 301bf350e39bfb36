/**
 * The network's own resources: every subnet behind a network security group, no inbound rule open
 * to the internet, and a Key Vault (customer-managed keys) that cannot lose or leak its keys.
 */
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { list, read } from "./util";

/** Subnets Azure forbids an NSG on. */
const NSG_EXEMPT_SUBNETS = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];
/** Source prefixes that mean "anyone". */
const ANYWHERE = ["*", "0.0.0.0/0", "internet", "any", "::/0"];

export const subnetHasNsg: ResourceValidationPolicy = {
    name: "subnet-has-network-security-group",
    description: "Every subnet has a network security group (Azure's gateway, firewall and route-server subnets excepted), so traffic into it is filtered (Databricks requires one on its subnets anyway).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(network.Subnet, (subnet, _args, report) => {
        const name = read(() => subnet.subnetName ?? subnet.name);
        if (typeof name === "string" && NSG_EXEMPT_SUBNETS.includes(name)) return;
        if (read(() => subnet.networkSecurityGroup) === undefined) report(`subnet ${typeof name === "string" ? name : ""} has no networkSecurityGroup.`.replace("  ", " "));
    }),
};

type Rule = { direction?: unknown; access?: unknown; sourceAddressPrefix?: unknown; sourceAddressPrefixes?: unknown; destinationPortRange?: unknown; destinationPortRanges?: unknown; name?: unknown };

/** Why an inbound rule is open to the internet, or undefined. */
function openInbound(rule: Rule): string | undefined {
    if (String(rule.direction ?? "").toLowerCase() !== "inbound" || String(rule.access ?? "").toLowerCase() !== "allow") return undefined;
    const sources = [rule.sourceAddressPrefix, ...(Array.isArray(rule.sourceAddressPrefixes) ? rule.sourceAddressPrefixes : [])].filter((s) => typeof s === "string") as string[];
    if (!sources.some((s) => ANYWHERE.includes(s.toLowerCase()))) return undefined;
    const ports = [rule.destinationPortRange, ...(Array.isArray(rule.destinationPortRanges) ? rule.destinationPortRanges : [])].filter((p) => p !== undefined).map(String);
    return `rule ${String(rule.name ?? "")} allows inbound from anywhere to port(s) ${ports.join(", ") || "*"}`;
}

const nsgNoInbound = (rules: Rule[], report: (message: string) => void) => {
    for (const rule of rules) {
        const why = openInbound(rule);
        if (why) report(`${why}; reach the workspace through Private Link or the IP access list, never an open NSG rule.`);
    }
};

export const nsgNoInboundFromInternet: ResourceValidationPolicy = {
    name: "nsg-no-inbound-from-internet",
    description: "No network security group rule allows inbound traffic from anywhere (*, 0.0.0.0/0, Internet): no SSH, RDP, HTTP or other port open to the internet.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(network.NetworkSecurityGroup, (nsg, _args, report) => nsgNoInbound(list<Rule>(() => nsg.securityRules), report)),
        validateResourceOfType(network.SecurityRule, (rule, _args, report) => nsgNoInbound([rule as unknown as Rule], report)),
    ],
};

export const keyVaultHardened: ResourceValidationPolicy = {
    name: "key-vault-hardened",
    description:
        "A Key Vault cannot lose its keys or show them to the internet: soft delete and purge protection on, RBAC authorization, network ACLs that deny by default (trusted Azure services, Azure Databricks among them, bypass).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, report) => {
        const p = vault.properties;
        if (!p) return;
        if (p.enableSoftDelete === false) report("enableSoftDelete is false; deleted keys could not be recovered.");
        if (p.enablePurgeProtection !== true) report("enablePurgeProtection is not true; a deleted vault or key could be purged before anyone notices.");
        if (p.enableRbacAuthorization !== true) report("enableRbacAuthorization is not true; access policies grant per vault, not per role and scope.");
        if (read(() => p.networkAcls?.defaultAction) !== "Deny") report("networkAcls.defaultAction is not Deny; the vault answers every network.");
    }),
};

export const networkSecurityPolicies = [subnetHasNsg, nsgNoInboundFromInternet, keyVaultHardened];
