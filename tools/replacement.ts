/**
 * Which input changes replace a resource, per resource type this program registers: the offline
 * stand-in for the providers' `ForceNew` / `replaceOnChanges` metadata, which the installed SDKs do
 * not ship (`@pulumi/databricks` has no schema JSON). Used by the plan's `--diff-set` mode to say
 * whether a config change would replace anything. Pure data and lookups, unit-tested.
 *
 * Sources (read from the providers' source, not guessed):
 *  - azure-native: URL path parameters always replace; plus `x-ms-mutability: [create, read]`
 *    properties and the hand-kept `forceNewMap` in pulumi-azure-native `provider/pkg/gen`
 *    (StorageAccount `isHnsEnabled` and `location`, RoleAssignment `principalId` and `scope`,
 *    Databricks Workspace `computeMode`, ResourceGroup `location`); tracked resources' `location`
 *    is create-only in the ARM common types.
 *  - databricks: `ForceNew` / `tf:"force_new"` in terraform-provider-databricks (serving,
 *    secrets, catalog, permissions, grants); resources without an Update (Secret, SecretAcl)
 *    replace on any input change.
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
    fields: FieldFact[];
}

const replace = (why: string, ...paths: string[]): FieldFact[] => paths.map((path) => ({ path, effect: "replace" as const, why }));
const PATH_PARAM = "ARM URL path parameter";
const CREATE_ONLY = "create-only in the ARM spec";
const FORCE_NEW = "ForceNew in terraform-provider-databricks";

const AZURE_NATIVE = "pulumi-azure-native provider/pkg/gen (path parameters, x-ms-mutability, forceNewMap)";
const TF_DATABRICKS = "terraform-provider-databricks resource schemas (ForceNew, tf:\"force_new\")";

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
                "a workspace cannot move into another VNet or subnets (VirtualNetworkIdChangeNotAllowed): a posture change means a new workspace",
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
    "azure-native:network:Subnet": { source: AZURE_NATIVE, fields: replace(PATH_PARAM, "resourceGroupName", "virtualNetworkName", "subnetName") },
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
    "databricks:index/systemSchema:SystemSchema": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "schema") },
    "databricks:index/defaultNamespaceSetting:DefaultNamespaceSetting": { source: `${TF_DATABRICKS} (settings are updated in place)`, fields: [] },
    "databricks:index/disableLegacyAccessSetting:DisableLegacyAccessSetting": { source: `${TF_DATABRICKS} (settings are updated in place)`, fields: [] },
    "databricks:index/disableLegacyDbfsSetting:DisableLegacyDbfsSetting": { source: `${TF_DATABRICKS} (settings are updated in place)`, fields: [] },
    "databricks:index/restrictWorkspaceAdminsSetting:RestrictWorkspaceAdminsSetting": { source: `${TF_DATABRICKS} (settings are updated in place)`, fields: [] },
    "databricks:index/ipAccessList:IpAccessList": { source: `${TF_DATABRICKS} (lists are replaced in place)`, fields: [] },
    "databricks:index/permissionAssignment:PermissionAssignment": { source: `${TF_DATABRICKS} (no update)`, anyInputReplaces: true, fields: [] },
    "databricks:index/mwsNetworkConnectivityConfig:MwsNetworkConnectivityConfig": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "name", "region") },
    "databricks:index/mwsNccBinding:MwsNccBinding": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "workspaceId") },
    "databricks:index/mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "networkConnectivityConfigId", "resourceId", "groupId") },
    "azuread:index/application:Application": { source: "terraform-provider-azuread (updated in place)", fields: [] },
    "azuread:index/servicePrincipal:ServicePrincipal": { source: "terraform-provider-azuread", fields: replace("ForceNew in terraform-provider-azuread", "clientId") },
    "azuread:index/applicationPassword:ApplicationPassword": { source: "terraform-provider-azuread (no update)", anyInputReplaces: true, fields: [] },
    "random:index/randomString:RandomString": { source: "terraform-provider-random (no update)", anyInputReplaces: true, fields: [] },
    "pulumi:providers:databricks": {
        source: "provider configuration",
        fields: replace("a different workspace: the provider's resources would be re-created there", "host", "azureWorkspaceResourceId"),
    },
    "databricks:index/servicePrincipal:ServicePrincipal": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "applicationId") },
    "databricks:index/secretScope:SecretScope": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "name", "initialManagePrincipal", "keyvaultMetadata") },
    "databricks:index/secret:Secret": { source: `${TF_DATABRICKS} (no update)`, anyInputReplaces: true, fields: [] },
    "databricks:index/secretAcl:SecretAcl": { source: `${TF_DATABRICKS} (no update)`, anyInputReplaces: true, fields: [] },
    "databricks:index/modelServing:ModelServing": {
        source: TF_DATABRICKS,
        fields: [
            ...replace("renaming an endpoint deletes it and creates a new one", "name"),
            ...replace("route optimization cannot be updated", "routeOptimized"),
            ...replace("legacy inference tables cannot move", "config.autoCaptureConfig.catalogName", "config.autoCaptureConfig.schemaName", "config.autoCaptureConfig.tableNamePrefix"),
            ...["catalogName", "schemaName", "tableNamePrefix"].map((f) => ({
                path: `aiGateway.inferenceTableConfig.${f}`,
                effect: "rejected" as const,
                why: "Databricks cannot change an inference table's catalog, schema or prefix once set (rename the endpoint to start over)",
            })),
        ],
    },
    "databricks:index/permissions:Permissions": { source: TF_DATABRICKS, fields: replace("the ACL belongs to one object", ...PERMISSION_OBJECTS) },
    "databricks:index/grants:Grants": { source: TF_DATABRICKS, fields: replace("the grant set belongs to one securable", ...GRANT_SECURABLES) },
    "databricks:index/catalog:Catalog": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "name", "storageRoot") },
    "databricks:index/schema:Schema": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "name", "catalogName", "storageRoot") },
    "databricks:index/volume:Volume": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "catalogName", "schemaName", "storageLocation") },
    "databricks:index/registeredModel:RegisteredModel": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "name", "catalogName", "schemaName", "storageLocation") },
    "databricks:index/externalLocation:ExternalLocation": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "name") },
    "databricks:index/sqlTable:SqlTable": {
        source: TF_DATABRICKS,
        fields: [
            ...replace(FORCE_NEW, "catalogName", "schemaName", "tableType", "dataSourceFormat", "partitions", "storageCredentialName"),
            ...replace("a column change drops and re-creates the table (terraform-provider-databricks #3001)", "columns"),
        ],
    },
    "databricks:index/app:App": { source: TF_DATABRICKS, fields: replace("the app's name is its id", "name") },
    "databricks:index/storageCredential:StorageCredential": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "name") },
    "databricks:index/directory:Directory": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "path") },
    "databricks:index/workspaceFile:WorkspaceFile": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "path") },
    "databricks:index/pipeline:Pipeline": { source: TF_DATABRICKS, fields: replace(FORCE_NEW, "storage", "catalog") },
    "databricks:index/job:Job": { source: `${TF_DATABRICKS} (jobs are reset in place)`, fields: [] },
    "databricks:index/sqlEndpoint:SqlEndpoint": { source: `${TF_DATABRICKS} (warehouses are edited in place)`, fields: [] },
    "databricks:index/clusterPolicy:ClusterPolicy": { source: `${TF_DATABRICKS} (policies are edited in place)`, fields: [] },
    "databricks:index/workspaceConf:WorkspaceConf": { source: `${TF_DATABRICKS} (custom_config is patched in place)`, fields: [] },
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
