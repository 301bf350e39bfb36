/**
 * Data protection in production stacks: every data-bearing resource is protected from deletion,
 * and no Unity Catalog object is set to destroy its contents with it. Whether a stack is
 * production comes from the stack itself (its resources' environment tag, its stack tags), not
 * from which policy config file it was previewed with (`environment.ts`).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { PRODUCTION_PROPERTY, isProductionStack } from "./environment";
import { TYPES, read } from "./util";

/**
 * Resources that hold data, or are the only path to it: losing them loses the lake. A registered
 * model holds every trained version the endpoints serve. The access connector's managed identity
 * is what the storage credential and the account's firewall trust: a new one means new role
 * assignments, a new credential, and a window in which nothing can read the lake.
 */
export const DATA_BEARING_TYPES: readonly string[] = [
    TYPES.storageAccount,
    TYPES.blobContainer,
    TYPES.accessConnector,
    TYPES.catalog,
    TYPES.schema,
    TYPES.volume,
    TYPES.sqlTable,
    TYPES.registeredModel,
    TYPES.externalLocation,
    TYPES.storageCredential,
];

/** Unity Catalog resources with a `forceDestroy` input (delete even when not empty). */
const FORCE_DESTROY_TYPES: readonly string[] = [TYPES.catalog, TYPES.schema, TYPES.externalLocation, TYPES.storageCredential];

const PRODUCTION = { properties: { production: PRODUCTION_PROPERTY } };

export const dataProtectedInProduction: StackValidationPolicy = {
    name: "data-protected-in-production",
    description:
        "In production stacks (a resource or stack tag says environment production, or policy config says production) the storage account, its containers, the access connector, and the catalog, schemas, volumes, tables, registered models, external locations and storage credentials carry `protect`, so `pulumi destroy` or an accidental replace cannot delete them.",
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateStack: (args, report) => {
        if (!isProductionStack(args, dataProtectedInProduction)) return;
        for (const r of args.resources) {
            if (!DATA_BEARING_TYPES.includes(r.type) || r.opts?.protect === true) continue;
            report(`${r.type.split(":").pop()} ${r.name} holds data (or is the only path to it) but is not protected; set protect (lakehouse:protectData true).`, r.urn);
        }
    },
};

export const noForceDestroyInProduction: StackValidationPolicy = {
    name: "data-no-force-destroy-in-production",
    description: "In production stacks (declared by the stack's resources or stack tags, or by policy config) no catalog, schema, external location or storage credential sets forceDestroy, which deletes it together with everything in it.",
    enforcementLevel: "mandatory",
    configSchema: PRODUCTION,
    validateStack: (args, report) => {
        if (!isProductionStack(args, noForceDestroyInProduction)) return;
        for (const r of args.resources) {
            if (FORCE_DESTROY_TYPES.includes(r.type) && read(() => r.props.forceDestroy) === true) report(`forceDestroy is true on ${r.name}; deleting it would delete its contents.`, r.urn);
        }
    },
};

export const dataProtectionPolicies = [dataProtectedInProduction, noForceDestroyInProduction];
