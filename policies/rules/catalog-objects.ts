/** Unity Catalog objects: credentials without secrets, and catalogs and storage bound to their workspace. */
import * as databricks from "@pulumi/databricks";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { read } from "./util";

export const storageCredentialManagedIdentity: ResourceValidationPolicy = {
    name: "storage-credential-managed-identity",
    description: "Unity Catalog storage credentials use the Databricks access connector's managed identity (azureManagedIdentity), not a service principal client secret that must be stored and rotated.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.StorageCredential, (credential, _args, report) => {
        const sp = read(() => credential.azureServicePrincipal);
        const mi = read(() => credential.azureManagedIdentity);
        if (sp !== undefined && sp !== null) report("azureServicePrincipal is set; use azureManagedIdentity with the access connector instead of a client secret.");
        else if (mi === undefined || mi === null) report("azureManagedIdentity is not set; point it at the access connector.");
    }),
};

export const ucWorkspaceIsolation: ResourceValidationPolicy = {
    name: "uc-bound-to-workspace",
    description: "The catalog, storage credentials and external locations are bound to this stack's workspace (isolationMode ISOLATED / ISOLATION_MODE_ISOLATED), so other workspaces on the same metastore cannot reach this environment's data. Advisory: binding needs workspace bindings the platform does not manage yet.",
    enforcementLevel: "advisory",
    validateResource: [
        validateResourceOfType(databricks.Catalog, (catalog, _args, report) => {
            const mode = read(() => catalog.isolationMode);
            if (mode !== "ISOLATED" && typeof mode !== "symbol") report(`isolationMode is ${String(mode ?? "unset (OPEN)")}; every workspace on the metastore can reach the catalog.`);
        }),
        validateResourceOfType(databricks.StorageCredential, (credential, _args, report) => {
            const mode = read(() => credential.isolationMode);
            if (mode !== "ISOLATION_MODE_ISOLATED" && typeof mode !== "symbol") report(`isolationMode is ${String(mode ?? "unset (open)")}; every workspace on the metastore can use the credential.`);
        }),
        validateResourceOfType(databricks.ExternalLocation, (location, _args, report) => {
            const mode = read(() => location.isolationMode);
            if (mode !== "ISOLATION_MODE_ISOLATED" && typeof mode !== "symbol") report(`isolationMode is ${String(mode ?? "unset (open)")}; every workspace on the metastore can use the location.`);
        }),
    ],
};

export const externalLocationValidated: ResourceValidationPolicy = {
    name: "external-location-validated",
    description:
        "External locations are validated when created (skipValidation not true: Unity Catalog checks the credential really reaches the URL and no other location overlaps it) and do not fall back to cluster credentials (fallback not true: access outside Unity Catalog's grants).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.ExternalLocation, (location, _args, report) => {
        if (read(() => location.skipValidation) === true) report("skipValidation is true; Unity Catalog would not check that the credential reaches the URL or that no other location overlaps it.");
        if (read(() => location.fallback) === true) report("fallback is true; reads would fall back to the cluster's own credentials when Unity Catalog's are refused, bypassing its grants.");
    }),
};

export const catalogObjectPolicies = [storageCredentialManagedIdentity, ucWorkspaceIsolation, externalLocationValidated];
