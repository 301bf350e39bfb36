/**
 * Small helpers the rule modules share: reading values that may be unknown during a preview,
 * config schema fragments, and the Databricks/Azure facts several modules need.
 */
import type { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/**
 * How unknown values look: `pulumi preview` gives policies a proxy that throws
 * `UnknownValueError` on access; the offline plan renders them as "[unknown]"; the raw sentinel
 * strings may leak through either.
 */
const UNKNOWN_STRINGS = new Set([
    "[unknown]",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** Marks a value that is not known yet (computed by a resource that does not exist yet). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Maybe<T> = T | typeof UNKNOWN;

function isUnknownError(err: unknown): boolean {
    return err instanceof Error && (err.constructor?.name === "UnknownValueError" || err.name === "UnknownValueError");
}

/** Reads a value, returning `UNKNOWN` instead of throwing when the preview does not know it yet. */
export function read<T>(get: () => T): Maybe<T> {
    try {
        const value = get();
        return typeof value === "string" && UNKNOWN_STRINGS.has(value) ? UNKNOWN : value;
    } catch (err) {
        if (isUnknownError(err)) return UNKNOWN;
        throw err;
    }
}

/** The value when it is a known string, else undefined. */
export function knownString(get: () => unknown): string | undefined {
    const value = read(get);
    return typeof value === "string" ? value : undefined;
}

/** A list read defensively: unknown or absent becomes []; unknown items are dropped. */
export function list<T = unknown>(get: () => unknown): T[] {
    const value = read(get);
    if (!Array.isArray(value)) return [];
    const out: T[] = [];
    for (let i = 0; i < value.length; i++) {
        const item = read(() => value[i]);
        if (item !== UNKNOWN && item !== undefined && item !== null) out.push(item as T);
    }
    return out;
}

/** Config schema of a list of strings with a default. */
export function stringListSchema(description: string, defaults: readonly string[]): PolicyConfigJSONSchema {
    return { type: "array", items: { type: "string" }, default: [...defaults], description };
}

/** Config schema of an integer threshold with a default. */
export function integerSchema(description: string, defaults: number, minimum = 0): PolicyConfigJSONSchema {
    return { type: "integer", minimum, default: defaults, description };
}

/** Upper-case and underscores: `all privileges` → `ALL_PRIVILEGES` (grants accept either). */
export function normalizePrivilege(privilege: string): string {
    return privilege.trim().toUpperCase().replace(/[\s-]+/g, "_");
}

/** A permission level as the API spells it (`can manage ` → `CAN_MANAGE`); undefined stays undefined. */
export function normalizeLevel(level: string | undefined): string | undefined {
    return level === undefined ? undefined : normalizePrivilege(level);
}

/** Compact list for messages. */
export function names(items: readonly string[]): string {
    return items.length === 0 ? "none" : items.join(", ");
}

/** Resources of a Pulumi type token. */
export function ofType(resources: readonly PolicyResource[], type: string): PolicyResource[] {
    return resources.filter((r) => r.type === type);
}

/** Pulumi type tokens the rules look at (spelled once). */
export const TYPES = {
    storageAccount: "azure-native:storage:StorageAccount",
    blobContainer: "azure-native:storage:BlobContainer",
    blobService: "azure-native:storage:BlobServiceProperties",
    workspace: "azure-native:databricks:Workspace",
    accessConnector: "azure-native:databricks:AccessConnector",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    entraApplication: "azuread:index/application:Application",
    entraApplicationRegistration: "azuread:index/applicationRegistration:ApplicationRegistration",
    applicationPassword: "azuread:index/applicationPassword:ApplicationPassword",
    grants: "databricks:index/grants:Grants",
    grant: "databricks:index/grant:Grant",
    permissions: "databricks:index/permissions:Permissions",
    job: "databricks:index/job:Job",
    pipeline: "databricks:index/pipeline:Pipeline",
    servicePrincipal: "databricks:index/servicePrincipal:ServicePrincipal",
    app: "databricks:index/app:App",
    secretAcl: "databricks:index/secretAcl:SecretAcl",
    secret: "databricks:index/secret:Secret",
    secretScope: "databricks:index/secretScope:SecretScope",
    catalog: "databricks:index/catalog:Catalog",
    schema: "databricks:index/schema:Schema",
    volume: "databricks:index/volume:Volume",
    sqlTable: "databricks:index/sqlTable:SqlTable",
    registeredModel: "databricks:index/registeredModel:RegisteredModel",
    modelServing: "databricks:index/modelServing:ModelServing",
    externalLocation: "databricks:index/externalLocation:ExternalLocation",
    storageCredential: "databricks:index/storageCredential:StorageCredential",
} as const;

/**
 * A policy's config with its schema defaults filled in: `pulumi preview` and the offline runner
 * both apply them, this keeps a policy safe if an engine hands over only what the file sets.
 */
export function configOf<T extends object>(args: { getConfig<U extends object>(): U }, policy: { configSchema?: PolicyConfigSchema }): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (typeof schema === "object" && schema !== null && "default" in schema) defaults[key] = schema.default;
    }
    const given = (args.getConfig<Record<string, unknown>>() ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(given)) if (value !== undefined) defaults[key] = value;
    return defaults as T;
}
