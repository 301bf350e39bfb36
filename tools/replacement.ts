/**
 * Which input changes replace a resource, per resource type this program registers, where no provider
 * built here answers: the offline stand-in for the providers' `ForceNew` / `replaceOnChanges` metadata,
 * which the installed SDKs do not ship (`@pulumi/databricks` has no schema JSON). Used by the plan's `--diff-set` mode to say
 * whether a config change would replace anything. Pure data and lookups, unit-tested.
 *
 * Sources (read from the providers' source, not guessed):
 *  - azure-native: URL path parameters always replace; plus `x-ms-mutability: [create, read]`
 *    properties and the hand-kept `forceNewMap` in pulumi-azure-native `provider/pkg/gen`
 *    (StorageAccount `isHnsEnabled` and `location`, RoleAssignment `principalId` and `scope`,
 *    Databricks Workspace `computeMode`, ResourceGroup `location`); tracked resources' `location`
 *    is create-only in the ARM common types.
 *  - databricks: RETIRED. The provider answers itself: `npm run verify` builds it and
 *    tools/verify/replace.ts asks its PlanResourceChange (`requires_replace`). Kept only what its plan
 *    cannot say: a serving endpoint's inference-table location, which the API refuses to move at
 *    apply time (`rejected`). Without the built provider these types count as not modelled.
 *  - pulumi:providers:databricks (kept): a new host or workspace id moves every resource of the
 *    provider; that is the engine's handling of provider configuration, not a provider answer.
 *  - time (kept): terraform-provider-time's Sleep replaces when `triggers` change.
 *  - azuread, random, command, azure-native (kept): their provider code cannot be built here (the
 *    module proxy refuses their modules; docs/verify.md has the exact answers), so these stay:
 *  - azuread: ApplicationPassword has no update (every argument ForceNew); ServicePrincipal
 *    `client_id` is ForceNew.
 *  - random: every RandomString / RandomPassword argument is ForceNew.
 *  - command: `local.Command` replaces (re-runs `create`) when `triggers` or, without an `update`
 *    command, `create` changes.
 *
 * A field listed with effect `rejected` does not replace the resource but the provider or API
 * refuses to change it in place (the update fails): the diff reports those too.
 */

/** What changing a field does to the resource. */
export type ChangeEffect = "replace" | "rejected";

export interface FieldFact {
    /** Input path: `name`, `config.autoCaptureConfig.catalogName`; `[]` walks every array element. */
    path: string;
    effect: ChangeEffect;
    /** Why, in a few words (shown in the diff). */
    why: string;
}

export interface TypeFacts {
    /** Where the facts come from. */
    source: string;
    /** True when the provider has no in-place update: any input change replaces. */
    anyInputReplaces?: boolean;
    /**
     * True when the provider itself answers "replace or update" (tools/verify/replace.ts asks it): `fields`
     * then holds only what its plan cannot say; without the built provider the type counts as not modelled.
     */
    providerAnswers?: boolean;
    fields: FieldFact[];
}

const replace = (why: string, ...paths: string[]): FieldFact[] => paths.map((path) => ({ path, effect: "replace" as const, why }));
const PATH_PARAM = "ARM URL path parameter";
const CREATE_ONLY = "create-only in the ARM spec";

const AZURE_NATIVE = "pulumi-azure-native provider/pkg/gen (path parameters, x-ms-mutability, forceNewMap)";
const PROVIDER_ANSWERS = "the Databricks provider's own plan (npm run verify builds it; without it: not modelled)";

/** Securable fields of `databricks.Grants` (each ForceNew: the grant set belongs to one securable). */
export const GRANT_SECURABLES = ["catalog", "schema", "table", "volume", "model", "function", "storageCredential", "externalLocation", "metastore", "share", "foreignConnection"];
/** Object fields of `databricks.Permissions` (each ForceNew: the ACL belongs to one object). */
export const PERMISSION_OBJECTS = [
    "servingEndpointId",
    "sqlEndpointId",
    "jobId",
    "pipelineId",
    "clusterId",
    "clusterPolicyId",
    "instancePoolId",
    "appName",
    "directoryId",
    "directoryPath",
    "notebookId",
    "notebookPath",
    "workspaceFileId",
    "workspaceFilePath",
    "registeredModelId",
    "experimentId",
    "sqlDashboardId",
    "sqlQueryId",
    "sqlAlertId",
    "dashboardId",
    "repoId",
    "repoPath",
    "authorization",
];

/** The table. Keys are Pulumi type tokens as the plan records them. */
export const REPLACEMENT_FACTS: Readonly<Record<string, TypeFacts>> = {
    "azure-native:resources:ResourceGroup": { source: AZURE_NATIVE, fields: [...replace(PATH_PARAM, "resourceGroupName"), ...replace("forceNewMap", "location")] },
    "azure-native:storage:StorageAccount": {
        source: AZURE_NATIVE,
        fields: [...replace(PATH_PARAM, "resourceGroupName", "accountName"), ...replace("forceNewMap (no in-place HNS switch)", "isHnsEnabled", "location")],
    },
    "azure-native:storage:BlobContainer": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "accountName", "containerName") },
    "azure-native:storage:BlobServiceProperties": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "accountName", "blobServicesName") },
    "azure-native:storage:ManagementPolicy": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "accountName", "managementPolicyName") },
    "azure-native:databricks:Workspace": {
        source: AZURE_NATIVE,
        fields: [
            ...replace(PATH_PARAM, "resourceGroupName", "workspaceName"),
            ...replace(CREATE_ONLY, "location"),
            ...replace("forceNewMap", "computeMode"),
            ...replace(
                "a workspace cannot move into another VNet or subnets (VirtualNetworkIdChangeNotAllowed): a new network.virtualNetwork means a new workspace",
                "parameters.customVirtualNetworkId.value",
                "parameters.customPublicSubnetName.value",
                "parameters.customPrivateSubnetName.value",
            ),
        ],
    },
    "azure-native:databricks:AccessConnector": {
        source: AZURE_NATIVE,
        fields: [...replace(PATH_PARAM, "resourceGroupName", "connectorName"), ...replace(CREATE_ONLY, "location")],
    },
    "azure-native:authorization:RoleAssignment": {
        source: AZURE_NATIVE,
        fields: [...replace(PATH_PARAM, "scope", "roleAssignmentName"), ...replace("forceNewMap", "principalId")],
    },
    "azure-native:network:VirtualNetwork": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "virtualNetworkName") },
    "azure-native:network:Subnet": {
        source: AZURE_NATIVE,
        fields: [
            ...replace(PATH_PARAM, "resourceGroupName", "virtualNetworkName", "subnetName"),
            // An update to azure-native, refused by Azure while the subnet holds NICs or private endpoints (InUseSubnetCannotBeUpdated).
            { path: "addressPrefix", effect: "rejected", why: "Azure refuses a new address range for a subnet in use (the clusters' NICs, the private endpoints): free the subnet first, or move to a new network" },
        ],
    },
    "azure-native:network:NetworkSecurityGroup": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "networkSecurityGroupName") },
    "azure-native:network:NatGateway": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "natGatewayName") },
    "azure-native:network:PublicIPAddress": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "publicIpAddressName") },
    "azure-native:network:PrivateEndpoint": {
        source: AZURE_NATIVE,
        fields: [...replace(PATH_PARAM, "resourceGroupName", "privateEndpointName"), ...replace("an endpoint cannot move to another subnet or target", "subnet.id", "privateLinkServiceConnections")],
    },
    "azure-native:network:PrivateDnsZoneGroup": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName") },
    "azure-native:privatedns:PrivateZone": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "privateZoneName") },
    "azure-native:privatedns:VirtualNetworkLink": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "privateZoneName", "virtualNetworkLinkName") },
    "azure-native:network:NetworkSecurityPerimeter": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "networkSecurityPerimeterName") },
    "azure-native:network:NetworkSecurityPerimeterProfile": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "networkSecurityPerimeterName", "profileName") },
    "azure-native:network:NetworkSecurityPerimeterAccessRule": {
        source: AZURE_NATIVE,
        fields: replace(PATH_PARAM, "resourceGroupName", "networkSecurityPerimeterName", "profileName", "accessRuleName"),
    },
    "azure-native:network:NetworkSecurityPerimeterAssociation": {
        source: AZURE_NATIVE,
        fields: replace(PATH_PARAM, "resourceGroupName", "networkSecurityPerimeterName", "associationName"),
    },
    "azure-native:storage:PrivateEndpointConnection": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "accountName", "privateEndpointConnectionName") },
    "azure-native:operationalinsights:Workspace": { source: AZURE_NATIVE, fields: [...replace(PATH_PARAM, "resourceGroupName", "workspaceName"), ...replace(CREATE_ONLY, "location")] },
    "azure-native:monitor:DiagnosticSetting": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceUri", "name") },
    "azure-native:keyvault:Vault": { source: AZURE_NATIVE, fields: [...replace(PATH_PARAM, "resourceGroupName", "vaultName"), ...replace(CREATE_ONLY, "location")] },
    "azure-native:keyvault:Key": { source: AZURE_NATIVE, fields: [...replace(PATH_PARAM, "resourceGroupName", "vaultName", "keyName"), ...replace("a key's type and size are fixed at creation", "properties.kty", "properties.keySize")] },
    "azure-native:monitor:ActionGroup": { source: AZURE_NATIVE, fields: [...replace(PATH_PARAM, "resourceGroupName", "actionGroupName"), ...replace(CREATE_ONLY, "location")] },
    "azure-native:consumption:Budget": {
        source: AZURE_NATIVE,
        fields: [
            ...replace(PATH_PARAM, "scope", "budgetName"),
            // The Consumption API answers 400 "Start date of budgets cannot be updated. Please delete and create a new budget."
            { path: "timePeriod.startDate", effect: "rejected", why: "Azure refuses to move a budget's start date (StackBudget keeps the start the budget has)" },
        ],
    },
    "azuread:index/application:Application": { source: "terraform-provider-azuread (updated in place)", fields: [] },
    "azuread:index/servicePrincipal:ServicePrincipal": { source: "terraform-provider-azuread", fields: replace("ForceNew in terraform-provider-azuread", "clientId") },
    "azuread:index/applicationPassword:ApplicationPassword": { source: "terraform-provider-azuread (no update)", anyInputReplaces: true, fields: [] },
    "random:index/randomString:RandomString": { source: "terraform-provider-random (no update)", anyInputReplaces: true, fields: [] },
    "pulumi:providers:databricks": {
        source: "provider configuration",
        fields: replace("a different workspace: the provider's resources would be re-created there", "host", "azureWorkspaceResourceId"),
    },
    // Retired: the Databricks provider answers "replace or update" itself (`npm run verify` builds it;
    // tools/verify/replace.ts asks its PlanResourceChange). Kept: what its plan cannot say.
    ...Object.fromEntries(
        [
            "servicePrincipal:ServicePrincipal",
            "secretScope:SecretScope",
            "secret:Secret",
            "secretAcl:SecretAcl",
            "permissions:Permissions",
            "grants:Grants",
            "catalog:Catalog",
            "schema:Schema",
            "volume:Volume",
            "registeredModel:RegisteredModel",
            "externalLocation:ExternalLocation",
            "sqlTable:SqlTable",
            "app:App",
            "storageCredential:StorageCredential",
            "directory:Directory",
            "workspaceFile:WorkspaceFile",
            "pipeline:Pipeline",
            "job:Job",
            "sqlEndpoint:SqlEndpoint",
            "clusterPolicy:ClusterPolicy",
            "systemSchema:SystemSchema",
            "defaultNamespaceSetting:DefaultNamespaceSetting",
            "disableLegacyAccessSetting:DisableLegacyAccessSetting",
            "disableLegacyDbfsSetting:DisableLegacyDbfsSetting",
            "restrictWorkspaceAdminsSetting:RestrictWorkspaceAdminsSetting",
            "workspaceConf:WorkspaceConf",
            "ipAccessList:IpAccessList",
            "permissionAssignment:PermissionAssignment",
            "mwsNetworkConnectivityConfig:MwsNetworkConnectivityConfig",
            "mwsNccBinding:MwsNccBinding",
            "mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule",
            "budgetPolicy:BudgetPolicy",
        ].map((t) => [`databricks:index/${t}`, { source: PROVIDER_ANSWERS, providerAnswers: true, fields: [] }]),
    ),
    "databricks:index/modelServing:ModelServing": {
        source: PROVIDER_ANSWERS,
        providerAnswers: true,
        // Kept: the provider plans these as in-place updates; the serving API refuses them at apply time.
        fields: ["catalogName", "schemaName", "tableNamePrefix"].map((f) => ({
            path: `aiGateway.inferenceTableConfig.${f}`,
            effect: "rejected" as const,
            why: "Databricks cannot change an inference table's catalog, schema or prefix once set (rename the endpoint to start over)",
        })),
    },
    "random:index/randomPassword:RandomPassword": { source: "terraform-provider-random (no update)", anyInputReplaces: true, fields: [] },
    "time:index/sleep:Sleep": { source: "terraform-provider-time (triggers are ForceNew; a new duration waits nowhere)", fields: replace("waits again for the new trigger", "triggers") },
    // pulumi-command: `triggers` replaces (re-runs `create`); with no `update` command, a change to `create` re-runs it too.
    "command:local:Command": { source: "pulumi-command local.Command (triggers, create without update)", fields: replace("re-runs the command", "triggers", "create") },
};

/** Component resources and the stack register no inputs of their own: nothing to replace. */
export function isComponentType(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("lakehouse:");
}

/** The facts for a type, or undefined when the table does not model it. */
export function factsFor(type: string): TypeFacts | undefined {
    if (isComponentType(type)) return { source: "component (no inputs)", fields: [] };
    return REPLACEMENT_FACTS[type];
}

/** The values at `path` (`a.b[].c`), one per matching array element; missing parts give `undefined`. */
export function valuesAt(value: unknown, path: string): unknown[] {
    let current: unknown[] = [value];
    for (const part of path.split(".")) {
        const many = part.endsWith("[]");
        const key = many ? part.slice(0, -2) : part;
        const next: unknown[] = [];
        for (const v of current) {
            const child = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined;
            if (many) next.push(...(Array.isArray(child) ? child : [undefined]));
            else next.push(child);
        }
        current = next;
    }
    return current;
}

/** Deep equality of JSON-like values. */
export function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}

/** The facts a change between two input sets trips: fields that replace the resource or that the API refuses to change. */
export function changeEffects(type: string, before: Record<string, unknown>, after: Record<string, unknown>): FieldFact[] {
    const facts = factsFor(type);
    if (!facts) return [];
    if (facts.anyInputReplaces) {
        return sameValue(before, after) ? [] : [{ path: "*", effect: "replace", why: `${type} cannot be updated in place` }];
    }
    return facts.fields.filter((f) => !sameValue(valuesAt(before, f.path), valuesAt(after, f.path)));
}
