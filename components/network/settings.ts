/**
 * `lakehouse:network` and `lakehouse:security`: the stack's network posture and its audit and
 * hardening, resolved once. The posture decides the workspace's front end, the VNet the clusters
 * run in, the private endpoints and DNS, and how serverless compute reaches the lakehouse storage —
 * so that every compute the stack runs reaches its data and the data is never open to the
 * internet. Pure: unit-tested without mocks.
 */
import { parseIpv4Range, reservedOverlaps } from "../../policies/rules/ipv4";
import { SERVICE_TAG_REGIONS } from "../settings/regions";
import { Checker, PlainObject, keyPath } from "../settings/validate";
import { SubnetPlan, isNetworkAddress, planSubnets } from "./subnets";

/**
 * `private` (the production default): no public front end (Private Link for the UI/API and browser
 * login), VNet injection with secure cluster connectivity, storage through private endpoints only.
 * `development`: the same storage and VNet, but a public front end (guarded by IP access lists when
 * `workspaceAllowedIpRanges` is set): cheaper, no workspace private endpoints or their DNS zone.
 */
export const POSTURES = ["private", "development"] as const;
export type Posture = (typeof POSTURES)[number];

/**
 * How serverless compute (SQL warehouse, serverless jobs and pipelines, model serving) reaches the
 * lakehouse storage. `ncc`: private endpoints of an account-level network connectivity
 * configuration, approved on the storage account; the account has no public endpoint at all. Needs
 * the Databricks account id. `perimeter`: the account's public endpoint is secured by a network
 * security perimeter that admits the region's serverless compute (service tag
 * `AzureDatabricksServerless.<Region>`) and no one else. Needs nothing at the account level.
 */
export const SERVERLESS_PATHS = ["ncc", "perimeter"] as const;
export type ServerlessPath = (typeof SERVERLESS_PATHS)[number];

/** Compliance standards the compliance security profile accepts (azure-native ComplianceStandard). */
export const COMPLIANCE_STANDARDS = ["HIPAA", "PCI_DSS", "HITRUST", "CYBER_ESSENTIAL_PLUS", "FEDRAMP_HIGH", "FEDRAMP_IL5", "FEDRAMP_MODERATE", "IRAP_PROTECTED", "ISMAP", "ITAR_EAR", "K_FSI", "C5", "CANADA_PROTECTED_B", "GERMANY_C5", "HIPAA_BAA", "TX_RAMP_LEVEL_2", "UK_CYBER_ESSENTIALS_PLUS"] as const;

export const NETWORK_DEFAULTS = {
    posture: "auto",
    databricksAccountId: "",
    serverlessAccess: "auto",
    addressSpace: "10.120.0.0/22",
    clusterNodes: "auto",
    browserAuthentication: "create",
    workspaceAllowedIpRanges: [] as string[],
    storageAllowedIpRanges: [] as string[],
};

export const SECURITY_DEFAULTS = {
    logAnalyticsWorkspaceId: "",
    logRetentionDays: 90,
    enhancedSecurityMonitoring: "auto",
    automaticClusterUpdate: "auto",
    complianceSecurityProfile: { enabled: false, standards: [] as string[] },
    customerManagedKeys: false,
};

export const NETWORK_KEYS = ["network", "security"] as const;

/** The VNet the workspace is injected into: created by the program, or the network team's. */
export type VirtualNetworkSettings =
    | { kind: "create"; addressSpace: string; subnets: SubnetPlan }
    | { kind: "existing"; id: string; hostSubnet: string; containerSubnet: string; privateEndpointSubnet: string };

/** The private DNS zones private endpoints register in. */
export const PRIVATE_DNS_ZONES = {
    databricks: "privatelink.azuredatabricks.net",
    dfs: "privatelink.dfs.core.windows.net",
    blob: "privatelink.blob.core.windows.net",
    vault: "privatelink.vaultcore.azure.net",
} as const;
export type DnsZoneKey = keyof typeof PRIVATE_DNS_ZONES;

export interface NetworkSettings {
    posture: Posture;
    /** The Databricks account: the account-level provider (NCC, account group checks, workspace assignment). */
    databricksAccountId?: string;
    serverlessAccess: ServerlessPath;
    /** `AzureDatabricksServerless.<Region>`: the region's serverless compute, for the perimeter. */
    serverlessServiceTag: string;
    virtualNetwork: VirtualNetworkSettings;
    /** Cluster nodes the workspace subnets are sized for (each node takes one address in each). */
    clusterNodes: number;
    /** The zones the posture needs → an existing zone's id, or undefined to create (and link) it. */
    dnsZones: Partial<Record<DnsZoneKey, string | undefined>>;
    /** Private posture: create the region's browser-authentication endpoint, or one exists already. */
    browserAuthentication: "create" | "existing";
    /** Public front end only: the IP access list (empty: no list). */
    workspaceAllowedIpRanges: string[];
    /** Operators' addresses through the storage firewall (perimeter only: with ncc the account has no public endpoint). */
    storageAllowedIpRanges: string[];
    workspacePublicNetworkAccess: "Enabled" | "Disabled";
    /** `Disabled` (ncc: private endpoints only) or `SecuredByPerimeter` (public traffic only as the perimeter admits it). */
    storagePublicNetworkAccess: "Disabled" | "SecuredByPerimeter";
}

export interface SecuritySettings {
    /** An existing Log Analytics workspace (ARM id) for the diagnostic logs, or undefined to create one. */
    logAnalyticsWorkspaceId?: string;
    /** Days the created Log Analytics workspace keeps logs. */
    logRetentionDays: number;
    enhancedSecurityMonitoring: boolean;
    automaticClusterUpdate: boolean;
    complianceSecurityProfile: { enabled: boolean; standards: string[] };
    /** A purge-protected Key Vault and a key for the workspace's managed services and managed disks. */
    customerManagedKeys: boolean;
}

const CIDR_RULE = {
    pattern: /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/([89]|[12]\d|3[0-2]))?$/,
    allowed: "an IPv4 address or CIDR with a prefix from /8 to /32",
};
const VNET_ID = { pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i, allowed: "a virtual network resource id" };
const SUBNET_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$/, allowed: "a subnet name" };
const ZONE_ID = { pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+$/i, allowed: "a private DNS zone resource id" };
const LOG_ANALYTICS_ID = {
    pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i,
    allowed: "a Log Analytics workspace resource id",
};

/** Keys of earlier versions, refused with what replaced them. */
const RETIRED_NETWORK_KEYS: Record<string, string> = {
    workspacePublicNetworkAccess: "no value: replaced by network.posture (private: no public front end; development: a public front end behind IP access lists)",
};

export interface NetworkContext {
    production: boolean;
    location: string;
    /** Nodes the job, the pipeline and two hand-started clusters may run at once (the auto cluster count). */
    autoClusterNodes: number;
    /** Whether any compute of the stack is serverless (PCI-DSS compliance mode forbids it). */
    usesServerless: boolean;
}

const tri = (check: Checker, key: string, value: unknown, auto: boolean): boolean => {
    const v = check.oneOf(key, typeof value === "boolean" ? String(value) : value, ["auto", "true", "false"] as const, "auto");
    return v === "auto" ? auto : v === "true";
};

export function parseNetwork(check: Checker, raw: PlainObject, context: NetworkContext): { network: NetworkSettings; security: SecuritySettings } {
    const d = NETWORK_DEFAULTS;
    const fields = ["posture", "databricksAccountId", "serverlessAccess", "addressSpace", "clusterNodes", "virtualNetwork", "privateDnsZones", "browserAuthentication", "workspaceAllowedIpRanges", "storageAllowedIpRanges"];
    const obj = check.object("network", raw.network, [...fields, ...Object.keys(RETIRED_NETWORK_KEYS)]);
    for (const [key, why] of Object.entries(RETIRED_NETWORK_KEYS)) if (obj[key] !== undefined) check.fail(`network.${key}`, obj[key], why);

    const postureSetting = check.oneOf("network.posture", obj.posture, ["auto", ...POSTURES] as const, "auto");
    const posture: Posture = postureSetting === "auto" ? (context.production ? "private" : "development") : postureSetting;
    const accountId = check.string("network.databricksAccountId", obj.databricksAccountId, d.databricksAccountId, {
        pattern: /^$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        allowed: 'the Databricks account id (a lower-case GUID, from the account console), or "" when the stack has no account-level access',
    });
    const serverlessSetting = check.oneOf("network.serverlessAccess", obj.serverlessAccess, ["auto", ...SERVERLESS_PATHS] as const, "auto");
    const serverlessAccess: ServerlessPath = serverlessSetting === "auto" ? (accountId ? "ncc" : "perimeter") : serverlessSetting;
    if (serverlessAccess === "ncc" && !accountId) {
        check.fail(
            "network.serverlessAccess",
            "ncc",
            "perimeter, or set network.databricksAccountId: a network connectivity configuration lives in the Databricks account (without an account id, auto chooses the perimeter)",
        );
    }

    const clusterNodesSetting = obj.clusterNodes === undefined || obj.clusterNodes === "auto" ? "auto" : check.integer("network.clusterNodes", obj.clusterNodes, context.autoClusterNodes, { min: 4, max: 4000 });
    const clusterNodes = clusterNodesSetting === "auto" ? context.autoClusterNodes : clusterNodesSetting;

    let virtualNetwork: VirtualNetworkSettings;
    if (obj.virtualNetwork !== undefined) {
        const vnet = check.object("network.virtualNetwork", obj.virtualNetwork, ["id", "hostSubnet", "containerSubnet", "privateEndpointSubnet"]);
        for (const field of ["id", "hostSubnet", "containerSubnet", "privateEndpointSubnet"]) {
            if (vnet[field] === undefined) check.fail(`network.virtualNetwork.${field}`, undefined, "a value: an existing VNet needs its id and the names of its host, container and private-endpoint subnets");
        }
        if (obj.addressSpace !== undefined) check.fail("network.addressSpace", obj.addressSpace, "no value with network.virtualNetwork (the existing VNet has its own address space)");
        virtualNetwork = {
            kind: "existing",
            id: check.string("network.virtualNetwork.id", vnet.id, "", VNET_ID),
            hostSubnet: check.string("network.virtualNetwork.hostSubnet", vnet.hostSubnet, "", SUBNET_NAME),
            containerSubnet: check.string("network.virtualNetwork.containerSubnet", vnet.containerSubnet, "", SUBNET_NAME),
            privateEndpointSubnet: check.string("network.virtualNetwork.privateEndpointSubnet", vnet.privateEndpointSubnet, "", SUBNET_NAME),
        };
    } else {
        const addressSpace = check.string("network.addressSpace", obj.addressSpace, d.addressSpace, {
            pattern: /^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/,
            allowed: "an IPv4 CIDR from /16 to /24 for the spoke VNet, such as 10.120.0.0/22",
        });
        if (!isNetworkAddress(addressSpace)) check.fail("network.addressSpace", addressSpace, "a network address (no host bits set), such as 10.120.0.0/22");
        const plan = planSubnets(addressSpace, clusterNodes);
        if ("problem" in plan) {
            check.fail("network.addressSpace", addressSpace, plan.problem);
            virtualNetwork = { kind: "create", addressSpace, subnets: { host: "", container: "", privateEndpoints: "", nodeCapacity: 0 } };
        } else {
            virtualNetwork = { kind: "create", addressSpace, subnets: plan };
        }
    }

    const security = parseSecurity(check, raw, context);
    const zones = check.object("network.privateDnsZones", obj.privateDnsZones, Object.keys(PRIVATE_DNS_ZONES));
    const needed: DnsZoneKey[] = [...(posture === "private" ? (["databricks"] as const) : []), "dfs", "blob", ...(security.customerManagedKeys ? (["vault"] as const) : [])];
    const dnsZones: Partial<Record<DnsZoneKey, string | undefined>> = {};
    for (const key of needed) {
        const id = zones[key] === undefined ? undefined : check.string(keyPath("network.privateDnsZones", key), zones[key], "", ZONE_ID);
        if (id && !id.toLowerCase().endsWith(`/${PRIVATE_DNS_ZONES[key]}`)) {
            check.fail(keyPath("network.privateDnsZones", key), id, `the id of a zone named ${PRIVATE_DNS_ZONES[key]}`);
        }
        dnsZones[key] = id || undefined;
    }
    if (posture !== "private" && zones.databricks !== undefined) {
        check.fail("network.privateDnsZones.databricks", zones.databricks, "no value in the development posture (its front end is public: no workspace private endpoint)");
    }
    if (!security.customerManagedKeys && zones.vault !== undefined) {
        check.fail("network.privateDnsZones.vault", zones.vault, "no value without security.customerManagedKeys (no Key Vault to reach)");
    }

    const browserAuthentication = check.oneOf("network.browserAuthentication", obj.browserAuthentication, ["create", "existing"] as const, "create");
    const workspaceAllowedIpRanges = check.stringList("network.workspaceAllowedIpRanges", obj.workspaceAllowedIpRanges, [], CIDR_RULE);
    if (posture === "private" && workspaceAllowedIpRanges.length > 0) {
        check.fail("network.workspaceAllowedIpRanges", workspaceAllowedIpRanges, "no value in the private posture (the workspace has no public front end to guard)");
    }
    const storageAllowedIpRanges = check.stringList("network.storageAllowedIpRanges", obj.storageAllowedIpRanges, [], CIDR_RULE);
    // Public rules admit public addresses: a private or reserved range there is a mistake (or a hole).
    for (const [key, ranges] of [["network.storageAllowedIpRanges", storageAllowedIpRanges], ["network.workspaceAllowedIpRanges", workspaceAllowedIpRanges]] as const) {
        ranges.forEach((range, i) => {
            const parsed = parseIpv4Range(range);
            const reserved = parsed ? reservedOverlaps(parsed) : [];
            if (reserved.length > 0) {
                check.fail(
                    keyPath(key, i),
                    range,
                    `a public IPv4 address or range (this one covers ${reserved.join(", ")}; private networks come through private endpoints)`,
                );
            }
        });
    }
    if (serverlessAccess === "ncc" && storageAllowedIpRanges.length > 0) {
        check.fail(
            "network.storageAllowedIpRanges",
            storageAllowedIpRanges,
            "no value with serverlessAccess ncc: the storage account has no public endpoint; reach it through a private endpoint in your network",
        );
    }

    return {
        network: {
            posture,
            ...(accountId ? { databricksAccountId: accountId } : {}),
            serverlessAccess,
            serverlessServiceTag: `AzureDatabricksServerless.${SERVICE_TAG_REGIONS[context.location as keyof typeof SERVICE_TAG_REGIONS] ?? context.location}`,
            virtualNetwork,
            clusterNodes,
            dnsZones,
            browserAuthentication,
            workspaceAllowedIpRanges,
            storageAllowedIpRanges,
            workspacePublicNetworkAccess: posture === "private" ? "Disabled" : "Enabled",
            storagePublicNetworkAccess: serverlessAccess === "ncc" ? "Disabled" : "SecuredByPerimeter",
        },
        security,
    };
}

function parseSecurity(check: Checker, raw: PlainObject, context: NetworkContext): SecuritySettings {
    const d = SECURITY_DEFAULTS;
    const obj = check.object("security", raw.security, Object.keys(d));
    const logAnalyticsWorkspaceId = check.string("security.logAnalyticsWorkspaceId", obj.logAnalyticsWorkspaceId, "", { pattern: new RegExp(`^$|${LOG_ANALYTICS_ID.pattern.source}`, "i"), allowed: `${LOG_ANALYTICS_ID.allowed}, or "" to create one` });
    const logRetentionDays = check.integer("security.logRetentionDays", obj.logRetentionDays, d.logRetentionDays, { min: 30, max: 730 });
    if (logAnalyticsWorkspaceId && obj.logRetentionDays !== undefined) check.fail("security.logRetentionDays", obj.logRetentionDays, "no value with security.logAnalyticsWorkspaceId (the existing workspace keeps its own retention)");
    const esm = tri(check, "security.enhancedSecurityMonitoring", obj.enhancedSecurityMonitoring, context.production);
    const acu = tri(check, "security.automaticClusterUpdate", obj.automaticClusterUpdate, context.production);
    const csp = check.object("security.complianceSecurityProfile", obj.complianceSecurityProfile, ["enabled", "standards"]);
    const cspEnabled = check.boolean("security.complianceSecurityProfile.enabled", csp.enabled, false);
    const standards = check.stringList("security.complianceSecurityProfile.standards", csp.standards, [], {
        pattern: new RegExp(`^(${COMPLIANCE_STANDARDS.join("|")})$`),
        allowed: `one of ${COMPLIANCE_STANDARDS.join(", ")}`,
    });
    if (cspEnabled) {
        if (!esm) check.fail("security.enhancedSecurityMonitoring", obj.enhancedSecurityMonitoring, "true (or auto in production) with the compliance security profile, which requires it");
        if (!acu) check.fail("security.automaticClusterUpdate", obj.automaticClusterUpdate, "true (or auto in production) with the compliance security profile, which requires it");
        if (standards.includes("PCI_DSS") && context.usesServerless) {
            check.fail("security.complianceSecurityProfile.standards", standards, "no PCI_DSS while the stack runs serverless compute (Databricks does not offer serverless under PCI-DSS): set pipelines.serverless and pipelines.warehouse.serverless false, and disable serving and the app");
        }
    } else if (standards.length > 0) {
        check.fail("security.complianceSecurityProfile.standards", standards, "no standards while security.complianceSecurityProfile.enabled is false");
    }
    return {
        ...(logAnalyticsWorkspaceId ? { logAnalyticsWorkspaceId } : {}),
        logRetentionDays,
        enhancedSecurityMonitoring: esm,
        automaticClusterUpdate: acu,
        complianceSecurityProfile: { enabled: cspEnabled, standards },
        customerManagedKeys: check.boolean("security.customerManagedKeys", obj.customerManagedKeys, d.customerManagedKeys),
    };
}
