/**
 * Hand-built resources for policy tests, shaped as the SDKs' input types, and a helper that runs
 * one policy over them through the same runner the offline plan uses.
 */
import type { Policies } from "@pulumi/policy";
import { PolicyPackConfig, PolicyViolation, ResourceUnderPolicy, runPolicies } from "../policies/runner";

export const T = {
    account: "azure-native:storage:StorageAccount",
    container: "azure-native:storage:BlobContainer",
    blobService: "azure-native:storage:BlobServiceProperties",
    workspace: "azure-native:databricks:Workspace",
    accessConnector: "azure-native:databricks:AccessConnector",
    workspaceConf: "databricks:index/workspaceConf:WorkspaceConf",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    entraApp: "azuread:index/application:Application",
    password: "azuread:index/applicationPassword:ApplicationPassword",
    grants: "databricks:index/grants:Grants",
    grant: "databricks:index/grant:Grant",
    permissions: "databricks:index/permissions:Permissions",
    sp: "databricks:index/servicePrincipal:ServicePrincipal",
    app: "databricks:index/app:App",
    secretAcl: "databricks:index/secretAcl:SecretAcl",
    secretScope: "databricks:index/secretScope:SecretScope",
    secret: "databricks:index/secret:Secret",
    catalog: "databricks:index/catalog:Catalog",
    schema: "databricks:index/schema:Schema",
    volume: "databricks:index/volume:Volume",
    table: "databricks:index/sqlTable:SqlTable",
    externalLocation: "databricks:index/externalLocation:ExternalLocation",
    storageCredential: "databricks:index/storageCredential:StorageCredential",
    registeredModel: "databricks:index/registeredModel:RegisteredModel",
    job: "databricks:index/job:Job",
    pipeline: "databricks:index/pipeline:Pipeline",
    cluster: "databricks:index/cluster:Cluster",
    clusterPolicy: "databricks:index/clusterPolicy:ClusterPolicy",
    warehouse: "databricks:index/sqlEndpoint:SqlEndpoint",
    serving: "databricks:index/modelServing:ModelServing",
    privateEndpoint: "azure-native:network:PrivateEndpoint",
    subnet: "azure-native:network:Subnet",
    nsg: "azure-native:network:NetworkSecurityGroup",
    securityRule: "azure-native:network:SecurityRule",
    vault: "azure-native:keyvault:Vault",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    nccRule: "databricks:index/mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule",
    nccBinding: "databricks:index/mwsNccBinding:MwsNccBinding",
    nspProfile: "azure-native:network:NetworkSecurityPerimeterProfile",
    nspRule: "azure-native:network:NetworkSecurityPerimeterAccessRule",
    nspAssociation: "azure-native:network:NetworkSecurityPerimeterAssociation",
} as const;

let counter = 0;

export interface ResOptions {
    name?: string;
    protect?: boolean;
    /** URNs (or resources) this one depends on. */
    dependsOn?: (string | ResourceUnderPolicy)[];
}

/** One resource as the program would register it. */
export function res(type: string, props: Record<string, unknown>, options: ResOptions = {}): ResourceUnderPolicy {
    const name = options.name ?? `r${++counter}`;
    return {
        urn: `urn:pulumi:test::lakehouse::${type}::${name}`,
        type,
        name,
        parent: "",
        provider: "",
        rawInputs: props,
        dependencies: (options.dependsOn ?? []).map((d) => (typeof d === "string" ? d : d.urn)),
        protect: options.protect ?? false,
    };
}

/** Violations of `policy` over `resources`, with the policy's config (schema defaults apply as in the CLI). */
export async function violationsOf(policy: Policies[number], resources: ResourceUnderPolicy[], config: Record<string, unknown> = {}): Promise<PolicyViolation[]> {
    const pack: PolicyPackConfig = { [policy.name]: config };
    return (await runPolicies([policy], resources, pack)).violations;
}

/** The unknown-value marker of the offline plan. */
export const UNKNOWN = "[unknown]";

/** Application ids of the platform's service principals and a declared group. */
export const PIPELINE_APP_ID = "11111111-1111-4111-8111-111111111111";
export const APP_SP_ID = "22222222-2222-4222-8222-222222222222";
export const ANALYSTS = "data-analysts";

/** The pipeline's Databricks service principal, marked by its display name. */
export function pipelineSp(applicationId: string = PIPELINE_APP_ID, displayName = "lakehouse-dev-pipeline"): ResourceUnderPolicy {
    return res(T.sp, { applicationId, displayName, allowClusterCreate: false }, { name: "databricks-service-principal" });
}

/** A `databricks.Grants` on one securable. */
export function grants(securable: Record<string, string>, entries: [string, string[]][], options: ResOptions = {}): ResourceUnderPolicy {
    return res(T.grants, { ...securable, grants: entries.map(([principal, privileges]) => ({ principal, privileges })) }, options);
}

/** The KMFlow grant set for the pipeline principal on catalog `lake` (bronze schema, raw volume). */
export function kmflowGrants(principal: string = PIPELINE_APP_ID, options: ResOptions = {}): ResourceUnderPolicy[] {
    return [
        grants({ catalog: "lake" }, [[principal, ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA"]]], options),
        grants({ schema: "lake.bronze" }, [[principal, ["CREATE_TABLE", "MODIFY", "SELECT"]]], options),
        grants({ volume: "lake.bronze.raw" }, [[principal, ["READ_VOLUME", "WRITE_VOLUME"]]], options),
    ];
}

/** A storage account that passes every storage rule. */
export const SECURE_ACCOUNT = {
    accountName: "lakehousedeva1b2c3",
    kind: "StorageV2",
    sku: { name: "Standard_RAGZRS" },
    isHnsEnabled: true,
    minimumTlsVersion: "TLS1_2",
    enableHttpsTrafficOnly: true,
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    isLocalUserEnabled: false,
    isSftpEnabled: false,
    publicNetworkAccess: "Disabled",
    networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [] },
    encryption: { keySource: "Microsoft.Keyvault", requireInfrastructureEncryption: true, keyVaultProperties: { keyName: "k", keyVaultUri: "https://kv.vault.azure.net/" } },
};

/** A workspace that passes every workspace rule. */
export const SECURE_WORKSPACE = {
    workspaceName: "dbw-lakehouse-prod",
    sku: { name: "premium" },
    publicNetworkAccess: "Disabled",
    requiredNsgRules: "NoAzureDatabricksRules",
    parameters: {
        enableNoPublicIp: { value: true },
        encryption: { value: { keySource: "Microsoft.Keyvault", keyName: "dbfs", keyVaultUri: "https://kv.vault.azure.net/" } },
    },
    encryption: { entities: { managedServices: { keySource: "Microsoft.Keyvault", keyVaultProperties: { keyName: "ms", keyVaultUri: "https://kv.vault.azure.net/", keyVersion: "1" } } } },
};

export const SUBSCRIPTION = "/subscriptions/00000000-0000-4000-8000-000000000001";
export const ACCOUNT_ID = `${SUBSCRIPTION}/resourceGroups/rg-lakehouse-dev/providers/Microsoft.Storage/storageAccounts/lakehousedeva1b2c3`;
export const roleDefinition = (guid: string) => `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** A served-entity endpoint config with a traffic split. */
export function endpoint(routes: [string, number][], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        name: "lakehouse-classifier",
        config: {
            servedEntities: [
                { name: "champion", entityName: "lake.gold.model", entityVersion: "1", workloadSize: "Small", scaleToZeroEnabled: true },
                { name: "challenger", entityName: "lake.gold.model_pt", entityVersion: "1", workloadSize: "Small", scaleToZeroEnabled: true },
            ],
            trafficConfig: { routes: routes.map(([servedEntityName, trafficPercentage]) => ({ servedEntityName, trafficPercentage })) },
        },
        aiGateway: {
            inferenceTableConfig: { enabled: true, catalogName: "lake", schemaName: "payloads", tableNamePrefix: "classifier" },
            usageTrackingConfig: { enabled: true },
            rateLimits: [{ calls: 100, renewalPeriod: "minute", key: "user" }],
        },
        ...extra,
    };
}

/** A cluster policy definition as JSON. */
export function policyDefinition(rules: Record<string, unknown>): string {
    return JSON.stringify(rules);
}
