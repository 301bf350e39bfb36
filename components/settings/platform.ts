/**
 * Platform-wide settings: environment, naming, protection, tags, location, compute profile,
 * network posture and secret rotation. Pure: unit-tested without mocks.
 */
import { PlatformNames, platformNames } from "../naming";
import { COMPUTE_SIZES, ComputeSize, SizeProfile, sizeProfile } from "../sizing";
import { DATABRICKS_REGIONS, UNSUPPORTED_REGIONS } from "./regions";
import { parseIpv4Range, reservedOverlaps } from "../../policies/rules/ipv4";
import { Checker, PlainObject, keyPath } from "./validate";

export const ENVIRONMENTS = ["development", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const PUBLIC_NETWORK_ACCESS = ["Enabled", "Disabled"] as const;
export type PublicNetworkAccess = (typeof PUBLIC_NETWORK_ACCESS)[number];

/** Defaults of the platform keys; `Pulumi.yaml` declares the same values (a test keeps them equal). */
export const PLATFORM_DEFAULTS = {
    environment: "development" as Environment,
    protectData: false,
    namePrefix: "lakehouse",
    tags: {} as Record<string, string>,
    computeSize: "small" as ComputeSize,
    network: {
        workspacePublicNetworkAccess: "Enabled" as PublicNetworkAccess,
        storageAllowedIpRanges: [] as string[],
    },
    secretRotationDays: 90,
    storage: { sku: "Standard_GZRS" as StorageSku, softDeleteDays: 14, versioning: true },
};

/** Storage replication SKUs for an ADLS Gen2 account; the geo-redundant ones satisfy CKV_AZURE_206. */
export const STORAGE_SKUS = ["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS"] as const;
export type StorageSku = (typeof STORAGE_SKUS)[number];

export interface StorageSettings {
    /** Replication SKU of the lakehouse account. */
    sku: StorageSku;
    /** Days deleted blobs, versions and containers are recoverable. */
    softDeleteDays: number;
    /** Blob versioning; Azure supports it on hierarchical-namespace accounts only in some regions and API versions. */
    versioning: boolean;
}

/** An existing VNet to inject the workspace into (required when workspace public access is off). */
export interface VirtualNetworkSettings {
    id: string;
    publicSubnetName: string;
    privateSubnetName: string;
}

export interface NetworkSettings {
    /** Whether the workspace UI/API is reachable from the internet. */
    workspacePublicNetworkAccess: PublicNetworkAccess;
    /** IPv4 CIDRs allowed through the storage firewall (default action is always Deny). */
    storageAllowedIpRanges: string[];
    /** VNet injection, only when public access is Disabled. */
    virtualNetwork?: VirtualNetworkSettings;
}

/** The current rotation window of the pipeline identity's password. */
export interface RotationWindow {
    rotationDays: number;
    /** Start of the current window (ISO date): the password is replaced when this changes. */
    windowStart: string;
    /** Password end date (RFC 3339): the window end plus a grace period for a late `pulumi up`. */
    endDate: string;
}

export interface PlatformSettings {
    project: string;
    stack: string;
    environment: Environment;
    /** True for production stacks: data protected, schedules live, nothing scales to zero by default. */
    production: boolean;
    location: string;
    namePrefix: string;
    names: PlatformNames;
    /** `protect` for every data-bearing resource. */
    protectData: boolean;
    /** Tags for every Azure resource: the standard ones plus `lakehouse:tags`. */
    tags: Record<string, string>;
    computeSize: ComputeSize;
    /** The resolved compute profile (before per-resource overrides of each concern). */
    sizes: SizeProfile;
    network: NetworkSettings;
    storage: StorageSettings;
    secretRotation: RotationWindow;
}

export const PLATFORM_KEYS = [
    "environment",
    "protectData",
    "namePrefix",
    "tags",
    "computeSize",
    "network",
    "secretRotationDays",
    "storage",
] as const;

const NAME_PREFIX = { pattern: /^[a-z][a-z0-9]{1,9}$/, allowed: "2-10 lower-case letters and digits, starting with a letter" };
const TAG_VALUE = { pattern: /^[^<>%&\\?/]{0,256}$/, allowed: "at most 256 characters, none of < > % & \\ ? /" };
const TAG_NAME = /^[^<>%&\\?/]{1,512}$/;
const CIDR = {
    pattern: /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/([89]|[12]\d|30))?$/,
    allowed: "an IPv4 address or CIDR with a prefix from /8 to /30 (Azure storage IP rules)",
};
const RESOURCE_ID = { pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i, allowed: "a virtual network resource id" };
const SUBNET = { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$/, allowed: "a subnet name" };
const RESERVED_TAGS = ["project", "stack", "environment", "managed-by"];

/** The fixed start of rotation windows, so windows line up across stacks and runs. */
const ROTATION_EPOCH = Date.UTC(2024, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;
/** Days a password stays valid after its window ends, so a late scheduled run does not break auth. */
export const ROTATION_GRACE_DAYS = 30;

/** The rotation window that `now` falls in. Same window → same password, so no drift between runs. */
export function rotationWindow(now: Date, rotationDays: number): RotationWindow {
    const period = rotationDays * DAY_MS;
    const start = ROTATION_EPOCH + Math.floor((now.getTime() - ROTATION_EPOCH) / period) * period;
    return {
        rotationDays,
        windowStart: new Date(start).toISOString(),
        endDate: new Date(start + period + ROTATION_GRACE_DAYS * DAY_MS).toISOString(),
    };
}

export interface PlatformContext {
    project: string;
    stack: string;
    /** Clock for secret rotation; injected so tests are deterministic. */
    now: Date;
}

/** Reads the platform keys and `azure-native:location`. */
export function parsePlatform(check: Checker, raw: PlainObject, location: unknown, context: PlatformContext): PlatformSettings {
    const d = PLATFORM_DEFAULTS;
    const environment = check.oneOf("environment", raw.environment, ENVIRONMENTS, d.environment);
    const production = environment === "production";
    const protectData = check.boolean("protectData", raw.protectData, d.protectData);
    if (production && !protectData) {
        check.fail("protectData", raw.protectData ?? false, "true when lakehouse:environment is production (data is protected in production)");
    }
    const namePrefix = check.string("namePrefix", raw.namePrefix, d.namePrefix, NAME_PREFIX);
    if (location === undefined || location === null || location === "") {
        check.fail("azure-native:location", location, "an Azure region: run `pulumi config set azure-native:location westeurope`");
    }
    const region = check.string("azure-native:location", location, "westeurope");
    if (typeof location === "string" && location !== "" && !(DATABRICKS_REGIONS as readonly string[]).includes(location)) {
        const why = UNSUPPORTED_REGIONS[location];
        check.fail(
            "azure-native:location",
            location,
            why
                ? `a region this platform can run in (${why})`
                : `an Azure region Azure Databricks runs in, spelled as Azure spells it (lower case, no spaces): ${DATABRICKS_REGIONS.join(", ")}`,
        );
    }

    const userTags = check.stringMap("tags", raw.tags, TAG_VALUE);
    for (const name of Object.keys(userTags)) {
        if (!TAG_NAME.test(name)) check.fail(`tags.${name}`, name, "a tag name of 1-512 characters, none of < > % & \\ ? /");
        if (RESERVED_TAGS.includes(name.toLowerCase())) check.fail(`tags.${name}`, userTags[name], `a tag other than the ones the program sets (${RESERVED_TAGS.join(", ")})`);
    }
    const computeSize = check.oneOf("computeSize", raw.computeSize, COMPUTE_SIZES, d.computeSize);

    const networkRaw = check.object("network", raw.network, ["workspacePublicNetworkAccess", "storageAllowedIpRanges", "virtualNetwork"]);
    const workspacePublicNetworkAccess = check.oneOf(
        "network.workspacePublicNetworkAccess",
        networkRaw.workspacePublicNetworkAccess,
        PUBLIC_NETWORK_ACCESS,
        d.network.workspacePublicNetworkAccess,
    );
    const storageAllowedIpRanges = check.stringList("network.storageAllowedIpRanges", networkRaw.storageAllowedIpRanges, [], CIDR);
    storageAllowedIpRanges.forEach((range, i) => {
        const parsed = CIDR.pattern.test(range) ? parseIpv4Range(range) : undefined;
        const reserved = parsed ? reservedOverlaps(parsed) : [];
        if (reserved.length > 0) {
            check.fail(
                keyPath("network.storageAllowedIpRanges", i),
                range,
                `a public IPv4 address or range (this one covers ${reserved.join(", ")}; reach private networks through virtual network rules or private endpoints)`,
            );
        }
    });
    let virtualNetwork: VirtualNetworkSettings | undefined;
    if (networkRaw.virtualNetwork !== undefined) {
        const vnet = check.object("network.virtualNetwork", networkRaw.virtualNetwork, ["id", "publicSubnetName", "privateSubnetName"]);
        virtualNetwork = {
            id: check.string("network.virtualNetwork.id", vnet.id, "", RESOURCE_ID),
            publicSubnetName: check.string("network.virtualNetwork.publicSubnetName", vnet.publicSubnetName, "", SUBNET),
            privateSubnetName: check.string("network.virtualNetwork.privateSubnetName", vnet.privateSubnetName, "", SUBNET),
        };
        for (const field of ["id", "publicSubnetName", "privateSubnetName"] as const) {
            if (vnet[field] === undefined) check.fail(`network.virtualNetwork.${field}`, undefined, "a value (all three fields are needed for VNet injection)");
        }
    }
    if (workspacePublicNetworkAccess === "Disabled" && virtualNetwork === undefined) {
        check.fail(
            "network.virtualNetwork",
            undefined,
            "an existing VNet { id, publicSubnetName, privateSubnetName } when network.workspacePublicNetworkAccess is Disabled (Azure only allows private workspaces with VNet injection)",
        );
    }

    const rotationDays = check.integer("secretRotationDays", raw.secretRotationDays, d.secretRotationDays, { min: 7, max: 365 });

    const storageRaw = check.object("storage", raw.storage, ["sku", "softDeleteDays", "versioning"]);
    const storage: StorageSettings = {
        sku: check.oneOf("storage.sku", storageRaw.sku, STORAGE_SKUS, d.storage.sku),
        softDeleteDays: check.integer("storage.softDeleteDays", storageRaw.softDeleteDays, d.storage.softDeleteDays, { min: 1, max: 365 }),
        versioning: check.boolean("storage.versioning", storageRaw.versioning, d.storage.versioning),
    };

    const tags: Record<string, string> = {
        ...userTags,
        project: context.project,
        stack: context.stack,
        environment,
        "managed-by": "pulumi",
    };
    return {
        project: context.project,
        stack: context.stack,
        environment,
        production,
        location: region,
        namePrefix,
        names: platformNames(namePrefix, context.stack),
        protectData,
        tags,
        computeSize,
        sizes: sizeProfile(computeSize),
        network: { workspacePublicNetworkAccess, storageAllowedIpRanges, virtualNetwork },
        storage,
        secretRotation: rotationWindow(context.now, rotationDays),
    };
}
