/**
 * Inputs the service does not return as sent: it drops them, rewrites them, or refuses them on an
 * update. A program that manages such an input shows a diff on every `pulumi up` (or fails the
 * update); it must leave the input unset, or list it in `ignoreChanges`. The guard test holds every
 * planned resource to this table. Pure data.
 */
export interface UnechoedInput {
    /** Input path, as the plan records it. */
    path: string;
    why: string;
    /** Where this was read. */
    source: string;
}

export const UNECHOED_INPUTS: Readonly<Record<string, readonly UnechoedInput[]>> = {
    "databricks:index/app:App": [
        {
            path: "sourceCodePath",
            why: "not returned by the service (the live deployment's folder comes back as defaultSourceCodePath) and refused on update; the app is deployed by `databricks apps deploy` instead",
            source: "@pulumi/databricks 1.110 app.d.ts; terraform-provider-databricks PR #5977; databricks/cli #6404",
        },
    ],
    "databricks:index/secretScope:SecretScope": [
        { path: "initialManagePrincipal", why: "never read back (and it only accepts `users`, i.e. MANAGE for everyone)", source: "terraform-provider-databricks secrets/resource_secret_scope.go" },
    ],
    "azure-native:storage:PrivateEndpointConnection": [
        {
            path: "privateLinkServiceConnectionState",
            why: "re-sending Approved to a connection that is already approved is refused with 400 InvalidValuesForRequestParameters",
            source: "Azure/azure-rest-api-specs #30308",
        },
    ],
};

/** The unechoed inputs a planned resource manages (set, and not in its ignoreChanges). */
export function managedUnechoed(resource: { type: string; inputs: Record<string, unknown>; ignoreChanges?: string[] }): UnechoedInput[] {
    return (UNECHOED_INPUTS[resource.type] ?? []).filter((u) => resource.inputs[u.path] !== undefined && !(resource.ignoreChanges ?? []).includes(u.path));
}
