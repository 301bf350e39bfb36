/**
 * Deterministic names. Every physical name the program uses is derived here from the project's
 * `namePrefix` and the stack name, so two runs give the same names and a config change that is
 * not a rename never renames (and so never replaces) anything.
 *
 * Pure: unit-tested without mocks.
 */
import { createHash } from "crypto";

/** Length of the random suffix that makes the storage account name globally unique. */
export const STORAGE_SUFFIX_LENGTH = 6;

/** Longest stack fragment used in names that Azure limits to 24 characters. */
const STACK_FRAGMENT_MAX = 8;

/** Lower-case letters and digits only, as storage account names require. */
export function alphanumeric(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Lower-case letters, digits and dashes, no leading, trailing or doubled dashes. */
export function kebab(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

/** Lower-case letters, digits and underscores: a safe Unity Catalog identifier fragment. */
export function snake(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, "_")
        .replace(/_+/g, "_")
        .replace(/^_|_$/g, "");
}

/** The names of the Azure and Databricks objects of one stack. */
export interface PlatformNames {
    /** `<prefix>-<stack>`, the stem of most names. */
    base: string;
    resourceGroup: string;
    /** Storage account name without the random suffix (at most 18 characters). */
    storageAccountStem: string;
    workspace: string;
    managedResourceGroup: string;
    accessConnector: string;
    /** Entra application (and Databricks service principal) display name of the pipeline identity. */
    pipelineIdentity: string;
    secretScope: string;
    /** The spoke VNet, its network security groups and NAT gateway (with its public IP). */
    virtualNetwork: string;
    workspaceNsg: string;
    privateEndpointNsg: string;
    natGateway: string;
    natPublicIp: string;
    /** Network security perimeter of the storage account (serverless access without an account id). */
    perimeter: string;
    /** Network connectivity configuration (account level: 3-30 letters, digits, dashes, underscores). */
    networkConnectivityConfig: string;
    logAnalytics: string;
    /** Key Vault name without the random suffix (at most 18 characters). */
    keyVaultStem: string;
}

/** Derives every name of a stack from the prefix and the stack name. */
export function platformNames(prefix: string, stack: string): PlatformNames {
    const base = kebab(`${prefix}-${stack}`);
    const stackFragment = alphanumeric(stack).slice(0, STACK_FRAGMENT_MAX);
    return {
        base,
        resourceGroup: `rg-${base}`,
        storageAccountStem: `${alphanumeric(prefix)}${stackFragment}`.slice(0, 24 - STORAGE_SUFFIX_LENGTH),
        workspace: `dbw-${base}`,
        managedResourceGroup: `rg-${base}-dbw-managed`,
        accessConnector: `dbac-${base}`,
        pipelineIdentity: `${base}-pipeline`,
        secretScope: `${base}-platform`,
        virtualNetwork: `vnet-${base}`,
        workspaceNsg: `nsg-${base}-workspace`,
        privateEndpointNsg: `nsg-${base}-endpoints`,
        natGateway: `nat-${base}`,
        natPublicIp: `pip-${base}-nat`,
        perimeter: `nsp-${base}`,
        networkConnectivityConfig: `ncc-${base}`.slice(0, 30).replace(/-$/, ""),
        logAnalytics: `log-${base}`,
        keyVaultStem: `kv${alphanumeric(prefix)}${stackFragment}`.slice(0, 24 - STORAGE_SUFFIX_LENGTH),
    };
}

/**
 * RFC 4122 version-5 UUID (SHA-1, name-based). Azure role assignment names must be GUIDs; deriving
 * them from scope, principal and role keeps them stable across runs, like Bicep's `guid()`.
 */
export function uuidV5(name: string, namespace: string = LAKEHOUSE_NAMESPACE): string {
    const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
    if (ns.length !== 16) throw new Error(`uuidV5: namespace ${namespace} is not a UUID`);
    const hash = createHash("sha1").update(ns).update(Buffer.from(name, "utf8")).digest();
    const bytes = Buffer.from(hash.subarray(0, 16));
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The DNS namespace of RFC 4122, used by the published test vectors. */
export const DNS_NAMESPACE = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

/** This project's namespace for derived GUIDs (uuid v5 of "lakehouse.pulumi" in the DNS namespace). */
export const LAKEHOUSE_NAMESPACE = uuidV5("lakehouse.pulumi", DNS_NAMESPACE);

/** The deterministic name of a role assignment: one GUID per (scope, principal, role). */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
    return uuidV5(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`);
}
