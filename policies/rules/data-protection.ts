/**
 * Data protection in production stacks (policy config `production: true`, as in
 * `policies/config/prod.json`): every data-bearing resource is protected from deletion, and no
 * Unity Catalog object is set to destroy its contents with it.
 */
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES, read, configOf } from "./util";

/** Resources that hold data (or the only path to it); losing them loses the lake. */
export const DATA_BEARING_TYPES: readonly string[] = [
    TYPES.storageAccount,
    TYPES.blobContainer,
    TYPES.catalog,
    TYPES.schema,
    TYPES.volume,
    TYPES.sqlTable,
    TYPES.externalLocation,
    TYPES.storageCredential,
];

/** Unity Catalog resources with a `forceDestroy` input (delete even when not empty). */
const FORCE_DESTROY_TYPES: readonly string[] = [TYPES.catalog, TYPES.schema, TYPES.externalLocation, TYPES.storageCredential];

const PRODUCTION = { properties: { production: { type: "boolean" as const, default: false, description: "True for production stacks (set in policies/config/prod.json)." } } };

function isProduction(args: ResourceValidationArgs): boolean {
    return configOf<{ production: boolean }>(args, { configSchema: PRODUCTION }).production === true;
}

export const dataProtectedInProduction: ResourceValidationPolicy = {
    name: "data-protected-in-production",
    description: "In production stacks the storage account, its containers, and the catalog, schemas, volumes, tables, external locations and storage credentials carry `protect`, so `pulumi destroy` or an accidental replace cannot delete them.",
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateResource: (args, report) => {
        if (!DATA_BEARING_TYPES.includes(args.type) || !isProduction(args)) return;
        if (args.opts.protect !== true) report(`${args.type.split(":").pop()} ${args.name} holds data but is not protected; set protect (lakehouse:protectData true).`);
    },
};

export const noForceDestroyInProduction: ResourceValidationPolicy = {
    name: "data-no-force-destroy-in-production",
    description: "In production stacks no catalog, schema, external location or storage credential sets forceDestroy, which deletes it together with everything in it.",
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateResource: (args, report) => {
        if (!FORCE_DESTROY_TYPES.includes(args.type) || !isProduction(args)) return;
        if (read(() => args.props.forceDestroy) === true) report(`forceDestroy is true on ${args.name}; deleting it would delete its contents.`);
    },
};

export const dataProtectionPolicies = [dataProtectedInProduction, noForceDestroyInProduction];
