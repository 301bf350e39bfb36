/**
 * What names a resource's cloud object: the inputs whose values are its identity (a URL path, a
 * name unique in its parent, a secret's scope and key). Pulumi replaces create-before-delete by
 * default: when a replacement keeps these inputs, the new object is created under the very name
 * the old one holds — an ARM PUT overwrites it, a Databricks put-secret overwrites the key — and
 * deleting the "old" one then deletes what was just written (or the create fails with "already
 * exists"). Such replacements need `deleteBeforeReplace`. Pure data, unit-tested.
 *
 * Sources: ARM resource ids are their URL path parameters (pulumi-azure-native takes every path
 * parameter as an input); the Databricks REST APIs key secrets by scope+key, ACLs by
 * scope+principal, Unity Catalog objects by full name, workspace objects by path, apps and
 * endpoints by name; Entra service principals by client id.
 */

import { factsFor } from "./replacement";

/** Per type: the inputs that together are the object's identity. Types without one (server-assigned ids) are absent. */
export const IDENTITY_FIELDS: Readonly<Record<string, readonly string[]>> = {
    "azure-native:resources:ResourceGroup": ["resourceGroupName"],
    "azure-native:storage:StorageAccount": ["resourceGroupName", "accountName"],
    "azure-native:storage:BlobContainer": ["resourceGroupName", "accountName", "containerName"],
    "azure-native:storage:BlobServiceProperties": ["resourceGroupName", "accountName", "blobServicesName"],
    "azure-native:storage:ManagementPolicy": ["resourceGroupName", "accountName", "managementPolicyName"],
    "azure-native:databricks:Workspace": ["resourceGroupName", "workspaceName"],
    "azure-native:databricks:AccessConnector": ["resourceGroupName", "connectorName"],
    "azure-native:authorization:RoleAssignment": ["scope", "roleAssignmentName"],
    "azure-native:network:VirtualNetwork": ["resourceGroupName", "virtualNetworkName"],
    "azure-native:network:Subnet": ["resourceGroupName", "virtualNetworkName", "subnetName"],
    "azure-native:network:NetworkSecurityGroup": ["resourceGroupName", "networkSecurityGroupName"],
    "azure-native:network:NatGateway": ["resourceGroupName", "natGatewayName"],
    "azure-native:network:PublicIPAddress": ["resourceGroupName", "publicIpAddressName"],
    "azure-native:network:PrivateEndpoint": ["resourceGroupName", "privateEndpointName"],
    "azure-native:network:PrivateDnsZoneGroup": ["resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName"],
    "azure-native:privatedns:PrivateZone": ["resourceGroupName", "privateZoneName"],
    "azure-native:privatedns:VirtualNetworkLink": ["resourceGroupName", "privateZoneName", "virtualNetworkLinkName"],
    "azure-native:network:NetworkSecurityPerimeter": ["resourceGroupName", "networkSecurityPerimeterName"],
    "azure-native:network:NetworkSecurityPerimeterProfile": ["resourceGroupName", "networkSecurityPerimeterName", "profileName"],
    "azure-native:network:NetworkSecurityPerimeterAccessRule": ["resourceGroupName", "networkSecurityPerimeterName", "profileName", "accessRuleName"],
    "azure-native:network:NetworkSecurityPerimeterAssociation": ["resourceGroupName", "networkSecurityPerimeterName", "associationName"],
    "azure-native:storage:PrivateEndpointConnection": ["resourceGroupName", "accountName", "privateEndpointConnectionName"],
    "azure-native:operationalinsights:Workspace": ["resourceGroupName", "workspaceName"],
    "azure-native:monitor:DiagnosticSetting": ["resourceUri", "name"],
    "azure-native:keyvault:Vault": ["resourceGroupName", "vaultName"],
    "azure-native:keyvault:Key": ["resourceGroupName", "vaultName", "keyName"],
    "azuread:index/servicePrincipal:ServicePrincipal": ["clientId"],
    "databricks:index/systemSchema:SystemSchema": ["schema"],
    "databricks:index/permissionAssignment:PermissionAssignment": ["groupName", "userName", "servicePrincipalName"],
    "databricks:index/mwsNccBinding:MwsNccBinding": ["workspaceId"],
    "databricks:index/secret:Secret": ["scope", "key"],
    "databricks:index/secretAcl:SecretAcl": ["scope", "principal"],
    "databricks:index/secretScope:SecretScope": ["name"],
    "databricks:index/servicePrincipal:ServicePrincipal": ["applicationId"],
    "databricks:index/catalog:Catalog": ["name"],
    "databricks:index/schema:Schema": ["catalogName", "name"],
    "databricks:index/volume:Volume": ["catalogName", "schemaName", "name"],
    "databricks:index/sqlTable:SqlTable": ["catalogName", "schemaName", "name"],
    "databricks:index/registeredModel:RegisteredModel": ["catalogName", "schemaName", "name"],
    "databricks:index/externalLocation:ExternalLocation": ["name"],
    "databricks:index/storageCredential:StorageCredential": ["name"],
    "databricks:index/modelServing:ModelServing": ["name"],
    "databricks:index/app:App": ["name"],
    "databricks:index/directory:Directory": ["path"],
    "databricks:index/workspaceFile:WorkspaceFile": ["path"],
    "databricks:index/clusterPolicy:ClusterPolicy": ["name"],
    "databricks:index/sqlEndpoint:SqlEndpoint": ["name"],
};

/** The identity of a resource from its inputs, or undefined when its type has none (or an input is unknown). */
export function identityOf(type: string, inputs: Record<string, unknown>): string | undefined {
    const fields = IDENTITY_FIELDS[type];
    if (!fields) return undefined;
    // Fields that are alternatives (a group, a user or a service principal) count when set.
    const values = fields.map((f) => inputs[f]);
    if (values.every((v) => v === undefined) || values.some((v) => v === "[unknown]")) return undefined;
    return JSON.stringify(values.map((v) => v ?? null));
}

/**
 * For the types whose provider answers "replace or update" itself (tools/replacement.ts retired their
 * rules, and `npm test` runs without the built provider), the inputs that replace them while their
 * identity stays: read from terraform-provider-databricks (ForceNew fields, resources without an
 * update) and pulumi-databricks #642. The guard below needs them before any provider is asked.
 */
export const SAME_IDENTITY_TRIGGERS: Readonly<Record<string, readonly string[]>> = {
    "databricks:index/secret:Secret": ["stringValue"],
    "databricks:index/secretAcl:SecretAcl": ["permission"],
    "databricks:index/secretScope:SecretScope": ["initialManagePrincipal", "keyvaultMetadata", "backendType"],
    "databricks:index/permissionAssignment:PermissionAssignment": ["permissions"],
    "databricks:index/catalog:Catalog": ["storageRoot"],
    "databricks:index/schema:Schema": ["storageRoot"],
    "databricks:index/volume:Volume": ["storageLocation", "volumeType"],
    "databricks:index/sqlTable:SqlTable": ["tableType", "dataSourceFormat", "partitions", "storageCredentialName", "options"],
    "databricks:index/registeredModel:RegisteredModel": ["storageLocation"],
    "databricks:index/modelServing:ModelServing": ["routeOptimized"],
};

/**
 * The replacement triggers of a type that keep its identity: `*` when any input change replaces it
 * (no update), else each replace-field that is not an identity field. A resource of such a type needs
 * `deleteBeforeReplace` (or a reason it cannot be replaced that way: `SAME_IDENTITY_EXEMPT`).
 */
export function identityKeepingTriggers(type: string): string[] {
    const identity = IDENTITY_FIELDS[type];
    const facts = factsFor(type);
    if (!identity) return [];
    if (SAME_IDENTITY_TRIGGERS[type]) return [...SAME_IDENTITY_TRIGGERS[type]];
    if (!facts) return [];
    if (facts.anyInputReplaces) return ["*"];
    return facts.fields.filter((f) => f.effect === "replace" && !identity.includes(f.path.split(".")[0])).map((f) => f.path);
}

/**
 * Resources that may keep create-before-delete although a trigger keeps their identity, and why.
 * Deleting them first would lose data, so the replacement is left to fail (nothing is lost) and the
 * offline diff reports it as a hazard (and production protects them, so pulumi up refuses it).
 */
export const SAME_IDENTITY_EXEMPT: Readonly<Record<string, string>> = {
    "azure-native:authorization:RoleAssignment": "its name is uuid v5 of (scope, principal, role) (components/rbac.ts), so a new principal always comes with a new name",
    "azure-native:resources:ResourceGroup": "a location change is refused by Azure; deleting first would delete every resource in the group",
    "azure-native:storage:StorageAccount": "location and isHnsEnabled are fixed by the program and Azure refuses to change them; deleting first would delete the lakehouse data",
    "azure-native:databricks:Workspace": "location and computeMode are fixed per stack and Azure refuses to change them; deleting first would delete the workspace",
    "azure-native:databricks:AccessConnector": "a location change is refused by Azure; deleting first would cut Unity Catalog off its storage",
    "azure-native:network:PrivateEndpoint": "its subnet and target are fixed by the VNet (network.virtualNetwork) and the storage account; deleting first would cut the compute off the data until the new one is up — moving to another VNet is a planned migration (docs/networking.md)",
    "azure-native:operationalinsights:Workspace": "a location change is refused by Azure; deleting first would delete the audit logs",
    "azure-native:keyvault:Vault": "a location change is refused by Azure; deleting first would delete the keys (purge protection keeps them recoverable, but the workspace would lose them)",
    "azure-native:keyvault:Key": "its type and size are fixed by the program; deleting first would leave the workspace's data unreadable",
    "databricks:index/secretScope:SecretScope": "every field is create-only and the program sets only its name; deleting it first would drop every secret in it, and the unchanged Secret resources would not be re-created",
    "databricks:index/catalog:Catalog": "its storage root only moves with the storage account; deleting first would drop every schema and table (production protects it)",
    "databricks:index/schema:Schema": "its storage root only moves with the storage account; deleting first would drop its tables (production protects it)",
    "databricks:index/volume:Volume": "its location only moves with the storage account; deleting first would drop the volume (production protects it)",
    "databricks:index/sqlTable:SqlTable": "a column change is an ALTER TABLE by design (columns are append-only, see metadata-table.ts); deleting first would drop the rows",
    "databricks:index/registeredModel:RegisteredModel": "its storage location is never set by the program; deleting first would delete every trained version",
    "databricks:index/modelServing:ModelServing": "routeOptimized is never set by the program; deleting first would take the endpoint down",
};
