/** Azure storage rules: the Checkov / Trivy checks REFERENCE.md lists, as CrossGuard policies. */
import * as storage from "@pulumi/azure-native/storage";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { PRODUCTION_PROPERTY, isProductionStack } from "./environment";
import { Ipv4Range, RESERVED_IPV4_RANGES, addressCount, parseIpv4Range, reservedOverlaps } from "./ipv4";
import { TYPES, UNKNOWN, integerSchema, knownString, list, ofType, read, configOf } from "./util";

export const storageMinimumTls: ResourceValidationPolicy = {
    name: "storage-minimum-tls-1-2",
    description: "Storage accounts refuse TLS below 1.2 (older TLS versions have known weaknesses).",
    tags: ["CKV_AZURE_44", "AVD-AZU-0011"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.minimumTlsVersion !== "TLS1_2" && account.minimumTlsVersion !== "TLS1_3") {
            report(`minimumTlsVersion is ${account.minimumTlsVersion ?? "unset (TLS 1.0 allowed)"}; set TLS1_2.`);
        }
    }),
};

export const storageHttpsOnly: ResourceValidationPolicy = {
    name: "storage-https-only",
    description: "Storage accounts accept HTTPS traffic only, never plain HTTP.",
    tags: ["CKV_AZURE_3", "AVD-AZU-0008"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.enableHttpsTrafficOnly === false) report("enableHttpsTrafficOnly is false; plain HTTP would be accepted.");
    }),
};

export const storageNoPublicBlobAccess: ResourceValidationPolicy = {
    name: "storage-no-public-blob-access",
    description: "Storage accounts forbid anonymous public read access to blobs and containers (allowBlobPublicAccess: false).",
    tags: ["CKV_AZURE_190", "CKV2_AZURE_47"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.allowBlobPublicAccess !== false) report(`allowBlobPublicAccess is ${account.allowBlobPublicAccess ?? "unset"}; set it to false so no container can be made public.`);
    }),
};

export const storageSharedKeyDisabled: ResourceValidationPolicy = {
    name: "storage-shared-key-disabled",
    description: "Storage accounts disable shared key (account key and SAS) authorization, so every access goes through Entra ID and RBAC.",
    tags: ["CKV2_AZURE_40"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.allowSharedKeyAccess !== false) report(`allowSharedKeyAccess is ${account.allowSharedKeyAccess ?? "unset (Azure default: allowed)"}; set it to false.`);
    }),
};

export const storageNetworkDefaultDeny: ResourceValidationPolicy = {
    name: "storage-network-default-deny",
    description: "The storage firewall denies by default (networkRuleSet.defaultAction: Deny); only listed IP ranges and resource instances get through.",
    tags: ["CKV_AZURE_35", "AVD-AZU-0012"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        const action = account.networkRuleSet?.defaultAction;
        if (action !== "Deny") report(`networkRuleSet.defaultAction is ${action ?? "unset (Allow)"}; set it to Deny.`);
    }),
};

export const storageTrustedServicesBypass: ResourceValidationPolicy = {
    name: "storage-network-azure-services-bypass",
    description: "The storage firewall lets trusted Azure services through (networkRuleSet.bypass includes AzureServices), so logging, backup and Databricks access connectors keep working under default Deny.",
    tags: ["CKV_AZURE_36", "AVD-AZU-0010"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        const bypass = String(account.networkRuleSet?.bypass ?? "");
        if (!bypass.split(",").map((s) => s.trim()).includes("AzureServices")) {
            report(`networkRuleSet.bypass is ${bypass || "unset"}; include AzureServices.`);
        }
    }),
};

/** The storage account's IP rules as written (`iPAddressOrRange`), unknown ones left out. */
function ipRules(account: { networkRuleSet?: { ipRules?: unknown } }): string[] {
    return list<Record<string, unknown>>(() => account.networkRuleSet?.ipRules)
        .filter((rule) => (knownString(() => rule.action) ?? "Allow").toLowerCase() === "allow")
        .map((rule) => knownString(() => rule.iPAddressOrRange))
        .filter((r): r is string => r !== undefined);
}

export const storageIpRulesBounded: ResourceValidationPolicy = {
    name: "storage-ip-rules-bounded",
    description:
        "The storage firewall's IP rules together allow at most the configured number of IPv4 addresses (overlapping rules counted once), so no list of wide ranges (221 /8s is nearly all of IPv4) turns default Deny into default Allow; every rule is an IPv4 address or CIDR.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxAddresses: integerSchema("Most IPv4 addresses the IP rules may allow together (4096 is a /20).", 4096, 1) } },
    validateResource: validateResourceOfType(storage.StorageAccount, (account, args, report) => {
        const { maxAddresses } = configOf<{ maxAddresses: number }>(args, storageIpRulesBounded);
        const ranges: Ipv4Range[] = [];
        for (const rule of ipRules(account)) {
            const range = parseIpv4Range(rule);
            if (range) ranges.push(range);
            else report(`IP rule "${rule}" is not an IPv4 address or CIDR; its breadth cannot be measured.`);
        }
        const total = addressCount(ranges);
        if (total > maxAddresses) {
            const share = Number(((total / 2 ** 32) * 100).toPrecision(3));
            const rules = ranges.length === 1 ? "1 IP rule allows" : `${ranges.length} IP rules allow`;
            report(`${rules} ${total.toLocaleString("en-US")} IPv4 addresses (${share}% of IPv4); at most ${maxAddresses.toLocaleString("en-US")} may pass the firewall.`);
        }
    }),
};

export const storageIpRulesPublicOnly: ResourceValidationPolicy = {
    name: "storage-ip-rules-public-ranges-only",
    description:
        "The storage firewall's IP rules name public addresses only: no rule overlaps a private (RFC 1918), shared/CGNAT, loopback, link-local, this-network, multicast or reserved range. Azure refuses private ranges in IP rules, and traffic from those ranges reaches the account through virtual network rules or private endpoints, never through a public rule.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            reservedRanges: {
                type: "object",
                additionalProperties: { type: "string" },
                default: { ...RESERVED_IPV4_RANGES },
                description: "CIDR → what it is: ranges no public IP rule may overlap.",
            },
        },
    },
    validateResource: validateResourceOfType(storage.StorageAccount, (account, args, report) => {
        const { reservedRanges } = configOf<{ reservedRanges: Record<string, string> }>(args, storageIpRulesPublicOnly);
        for (const rule of ipRules(account)) {
            const range = parseIpv4Range(rule);
            if (!range) continue;
            const hits = reservedOverlaps(range, reservedRanges);
            if (hits.length > 0) report(`IP rule ${rule} covers ${hits.join(", ")}; public IP rules name public addresses only (reach private ranges through virtual network rules or private endpoints).`);
        }
    }),
};

export const storageNoLocalUsers: ResourceValidationPolicy = {
    name: "storage-no-local-users-or-sftp",
    description: "Storage accounts disable local users and SFTP, which authenticate outside Entra ID with their own passwords and keys.",
    tags: ["CKV_AZURE_244"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.isLocalUserEnabled !== false) report(`isLocalUserEnabled is ${account.isLocalUserEnabled ?? "unset (Azure default: enabled)"}; set it to false.`);
        if (account.isSftpEnabled === true) report("isSftpEnabled is true; set it to false.");
    }),
};

const GEO_REDUNDANT = ["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"];

export const storageGeoRedundant: StackValidationPolicy = {
    name: "storage-geo-redundant-replication",
    description:
        "In production stacks (declared by the stack's resources or stack tags, or by policy config) storage accounts replicate to a second region (GRS, RA-GRS, GZRS or RA-GZRS) so a regional outage does not lose the lake. Development stacks may choose ZRS to save cost.",
    tags: ["CKV_AZURE_206", "AVD-AZU-0058"],
    enforcementLevel: "mandatory",
    configSchema: { properties: { production: PRODUCTION_PROPERTY } },
    validateStack: (args, report) => {
        if (!isProductionStack(args, storageGeoRedundant)) return;
        for (const account of ofType(args.resources, TYPES.storageAccount)) {
            const sku = read(() => (account.props.sku as { name?: unknown } | undefined)?.name);
            if (sku === UNKNOWN) continue;
            if (!GEO_REDUNDANT.includes(String(sku))) report(`sku is ${sku ?? "unset"}; use one of ${GEO_REDUNDANT.join(", ")} for geo-redundancy.`, account.urn);
        }
    },
};

export const storageCustomerManagedKey: ResourceValidationPolicy = {
    name: "storage-customer-managed-key",
    description: "Storage accounts encrypt with a customer-managed key from Key Vault (encryption.keySource: Microsoft.Keyvault). Advisory: needs a Key Vault and key rotation the platform does not manage yet.",
    tags: ["CKV2_AZURE_1", "AVD-AZU-0060"],
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.encryption?.keySource !== "Microsoft.Keyvault") report(`encryption.keySource is ${account.encryption?.keySource ?? "unset (Microsoft.Storage)"}; Microsoft manages the key.`);
    }),
};

export const storageInfrastructureEncryption: ResourceValidationPolicy = {
    name: "storage-infrastructure-encryption",
    description: "Storage accounts encrypt data twice, at the service and at the infrastructure level (encryption.requireInfrastructureEncryption: true); it can only be set when the account is created.",
    tags: ["AVD-AZU-0061"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.encryption?.requireInfrastructureEncryption !== true) report("encryption.requireInfrastructureEncryption is not true; set it (only possible at creation).");
    }),
};

export const storageAccountName: ResourceValidationPolicy = {
    name: "storage-account-name",
    description: "Storage account names are 3-24 lower-case letters and digits, as Azure requires.",
    tags: ["CKV_AZURE_43"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        const name = read(() => account.accountName);
        if (typeof name === "string" && !/^[a-z0-9]{3,24}$/.test(name)) report(`accountName "${name}" does not match ^[a-z0-9]{3,24}$.`);
    }),
};

export const storageContainerPrivate: ResourceValidationPolicy = {
    name: "storage-container-private",
    description: "Blob containers allow no anonymous access (publicAccess: None).",
    tags: ["CKV_AZURE_34", "AVD-AZU-0007"],
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.BlobContainer, (container, _args, report) => {
        if (container.publicAccess !== undefined && container.publicAccess !== "None") {
            report(`publicAccess is ${container.publicAccess}; anyone could read ${container.publicAccess === "Container" ? "and list " : ""}its blobs. Set None.`);
        }
    }),
};

/** The account a blob service belongs to: by dependency, else by name. */
function accountOf(service: PolicyResource, accounts: PolicyResource[]): PolicyResource | undefined {
    const byDependency = accounts.find((a) => service.dependencies.some((d) => d.urn === a.urn));
    if (byDependency) return byDependency;
    const name = knownString(() => service.props.accountName);
    return name === undefined ? undefined : accounts.find((a) => knownString(() => a.props.accountName) === name);
}

export const storageBlobSoftDelete: StackValidationPolicy = {
    name: "storage-blob-soft-delete",
    description:
        "Every storage account has blob and container soft delete on (a BlobServiceProperties with deleteRetentionPolicy and containerDeleteRetentionPolicy enabled) for at least the configured number of days, so a deleted file or layer can be recovered.",
    tags: ["CKV2_AZURE_38", "AVD-AZU-0056"],
    enforcementLevel: "mandatory",
    configSchema: { properties: { minDays: integerSchema("Fewest days deleted blobs and containers stay recoverable.", 7, 1) } },
    validateStack: (args, report) => {
        const { minDays } = configOf<{ minDays: number }>(args, storageBlobSoftDelete);
        const accounts = ofType(args.resources, TYPES.storageAccount);
        const covered = new Set<string>();
        for (const service of ofType(args.resources, TYPES.blobService)) {
            const account = accountOf(service, accounts);
            if (account) covered.add(account.urn);
            for (const field of ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"] as const) {
                const policy = read(() => service.props[field] as { enabled?: boolean; days?: number } | undefined);
                if (policy === UNKNOWN) continue;
                if (policy?.enabled !== true) report(`${field} is not enabled; deleted ${field.startsWith("container") ? "containers" : "blobs"} could not be recovered.`, service.urn);
                else if (typeof policy.days !== "number" || policy.days < minDays) report(`${field}.days is ${policy.days ?? "unset"}; keep at least ${minDays} days.`, service.urn);
            }
        }
        for (const account of accounts) {
            if (!covered.has(account.urn)) report("the account has no BlobServiceProperties, so blob soft delete is off.", account.urn);
        }
    },
};

export const azureStoragePolicies = [
    storageMinimumTls,
    storageHttpsOnly,
    storageNoPublicBlobAccess,
    storageSharedKeyDisabled,
    storageNetworkDefaultDeny,
    storageTrustedServicesBypass,
    storageIpRulesBounded,
    storageIpRulesPublicOnly,
    storageNoLocalUsers,
    storageGeoRedundant,
    storageBlobSoftDelete,
    storageCustomerManagedKey,
    storageInfrastructureEncryption,
    storageAccountName,
    storageContainerPrivate,
];
