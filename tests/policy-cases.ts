/**
 * At least one violating and one compliant case per policy, as resources the SDKs would accept.
 * `tests/policies.test.ts` runs every case and fails for a policy of the pack without both kinds.
 */
import type { ResourceUnderPolicy } from "../policies/runner";
import {
    ACCOUNT_ID,
    ANALYSTS,
    APP_SP_ID,
    PIPELINE_APP_ID,
    SECURE_ACCOUNT,
    SECURE_WORKSPACE,
    SUBSCRIPTION,
    T,
    endpoint,
    grants,
    kmflowGrants,
    pipelineSp,
    policyDefinition,
    res,
    roleDefinition,
} from "./policy-fixtures";
import { SAT_CASES } from "./policy-cases-sat";

export interface PolicyCase {
    title: string;
    resources: () => ResourceUnderPolicy[];
    /** The policy's config (as in policies/config/<stack>.json). */
    config?: Record<string, unknown>;
    /** What the (first) violation message says. */
    says?: RegExp;
}

export interface PolicyCases {
    violating: PolicyCase[];
    compliant: PolicyCase[];
}

/** A resource whose tags say which environment the stack is (as every Azure resource of the program carries). */
const productionTag = () => res("azure-native:resources:ResourceGroup", { resourceGroupName: "rg", tags: { environment: "production" } });
const developmentTag = () => res("azure-native:resources:ResourceGroup", { resourceGroupName: "rg", tags: { environment: "development" } });
/**
 * A stack whose active estimate is 500 GB (the default usage.storedGB) × 0.0196 USD (hot LRS in
 * westeurope) = 9.80 USD a month, with a budget of `amount` (none when 0).
 */
const pricedStack = (amount: number, tags: Record<string, string>) => [
    res(T.account, { ...SECURE_ACCOUNT, location: "westeurope", sku: { name: "Standard_LRS" }, accessTier: "Hot", tags }),
    res("azure-native:consumption:Budget", { budgetName: "b", amount, category: "Cost", timeGrain: "Monthly", scope: "/subscriptions/s" }),
];
/** A default-Deny network rule set with these IP rules. */
const ipRules = (ranges: string[]) => ({ defaultAction: "Deny", bypass: "AzureServices", ipRules: ranges.map((iPAddressOrRange) => ({ iPAddressOrRange, action: "Allow" })) });
/** Workspace settings `workspace-conf-hardened` accepts. */
const SECURE_CONF = { enableResultsDownloading: "false", enableExportNotebook: "false", enableNotebookTableClipboard: "false", maxTokenLifetimeDays: "90" };
const account = (overrides: Record<string, unknown> = {}) => [res(T.account, { ...SECURE_ACCOUNT, ...overrides })];
const workspace = (overrides: Record<string, unknown> = {}) => [res(T.workspace, { ...SECURE_WORKSPACE, ...overrides })];
const PROD = { environment: "production" };
const SECURE_VAULT = { tenantId: "t", sku: { family: "A", name: "premium" }, enableSoftDelete: true, enablePurgeProtection: true, enableRbacAuthorization: true, networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } };
const DEV = { environment: "development" };
const VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/spoke";
const injectedWorkspace = () => res(T.workspace, { ...SECURE_WORKSPACE, parameters: { enableNoPublicIp: { value: true }, customVirtualNetworkId: { value: VNET } } });
const warehouse = (serverless: boolean) => res(T.warehouse, { name: "w", clusterSize: "Small", autoStopMins: 10, enableServerlessCompute: serverless });
/** Private endpoints to `target`'s storage sub-resources, in `subnetId`. */
const storageEndpoints = (target: ResourceUnderPolicy, subnetId: string, groups = ["dfs", "blob"]) =>
    groups.map((g) => res(T.privateEndpoint, { subnet: { id: subnetId }, privateLinkServiceConnections: [{ groupIds: [g] }] }, { dependsOn: [target] }));
/** An NCC bound to the workspace with private endpoint rules for `groups` of `target`. */
const ncc = (target: ResourceUnderPolicy, groups: string[]) => [
    target,
    res(T.nccBinding, { networkConnectivityConfigId: "n", workspaceId: "1" }),
    ...groups.map((groupId) => res(T.nccRule, { networkConnectivityConfigId: "n", groupId }, { dependsOn: [target] })),
];
/** A perimeter admitting Databricks serverless compute, associated with `target`. */
const perimeterAround = (target: ResourceUnderPolicy) => {
    const profile = res(T.nspProfile, { profileName: "p" });
    return [
        target,
        profile,
        res(T.nspRule, { direction: "Inbound", serviceTags: ["AzureDatabricksServerless.WestEurope"] }, { dependsOn: [profile] }),
        res(T.nspAssociation, { accessMode: "Learning" }, { dependsOn: [profile, target] }),
    ];
};
const diagnostics = (target: ResourceUnderPolicy, resourceUri: string) => res(T.diagnostics, { resourceUri, logs: [{ category: "x", enabled: true }] }, { dependsOn: [target] });
const perms = (object: Record<string, string>, controls: Record<string, string>[], options = {}) => res(T.permissions, { ...object, accessControls: controls }, options);
/** A job or pipeline that runs as the pipeline principal, and (optionally) a Permissions on it with one entry. */
function runsAsPipeline(kind: "job" | "pipeline", control?: Record<string, string>): ResourceUnderPolicy[] {
    const target =
        kind === "job"
            ? res(T.job, { name: "j", runAs: { servicePrincipalName: PIPELINE_APP_ID }, tasks: [{ taskKey: "t", sparkPythonTask: { pythonFile: "/Users/11111111-1111-4111-8111-111111111111/lakehouse/jobs/run.py" } }] }, { name: "j" })
            : res(T.pipeline, { name: "p", catalog: "lake", runAs: { servicePrincipalName: PIPELINE_APP_ID }, libraries: [{ file: { path: "/Users/11111111-1111-4111-8111-111111111111/lakehouse/medallion/p.py" } }] }, { name: "p" });
    const out = [pipelineSp(), target];
    if (control) out.push(perms(kind === "job" ? { jobId: "j-id" } : { pipelineId: "p-id" }, [control], { dependsOn: [target] }));
    return out;
}
const job = (props: Record<string, unknown>) => [res(T.job, { name: "full-run", ...props })];
/** The hardening rules `cluster-policy-hardened` asks of a cluster policy. */
const HARDENED = {
    spark_version: { type: "allowlist", values: ["16.4.x-scala2.12"], defaultValue: "16.4.x-scala2.12" },
    enable_local_disk_encryption: { type: "fixed", value: true },
    "ssh_public_keys.*": { type: "forbidden" },
    "init_scripts.*.dbfs.destination": { type: "forbidden" },
};
const UC_CLUSTER = { sparkVersion: "16.4.x-scala2.12", nodeTypeId: "Standard_D4ds_v5", numWorkers: 1, dataSecurityMode: "USER_ISOLATION", autoterminationMinutes: 30 };
const roleAssignment = (guid: string, scope: string) => [res(T.roleAssignment, { principalId: "p", principalType: "ServicePrincipal", roleDefinitionId: roleDefinition(guid), scope })];
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const password = (props: Record<string, unknown>) => [res(T.password, { applicationId: "/applications/x", ...props })];

export const CASES: Record<string, PolicyCases> = {
    // ── Unity Catalog grants ──────────────────────────────────────────────────────────────
    "uc-no-risky-privileges": {
        violating: [
            { title: "ALL_PRIVILEGES on the catalog to analysts", resources: () => [grants({ catalog: "lake" }, [[ANALYSTS, ["ALL_PRIVILEGES"]]])], says: /"data-analysts" is granted catalog lake with ALL_PRIVILEGES/ },
            { title: "EXTERNAL_USE_SCHEMA to the pipeline principal", resources: () => [pipelineSp(), grants({ schema: "lake.gold" }, [[PIPELINE_APP_ID, ["EXTERNAL_USE_SCHEMA"]]])], says: /role:pipeline .* EXTERNAL_USE_SCHEMA/ },
            { title: "a catalog owned by a non-admin group", resources: () => [res(T.catalog, { name: "lake", owner: ANALYSTS })], says: /owns catalog lake with ownership/ },
            { title: "MANAGE in lower case spelling", resources: () => [grants({ table: "lake.gold.t" }, [[ANALYSTS, ["manage"]]])], says: /MANAGE/ },
        ],
        compliant: [
            { title: "MANAGE to an allow-listed admin group", resources: () => [grants({ catalog: "lake" }, [["lakehouse-admins", ["MANAGE", "ALL_PRIVILEGES"]]])], config: { admins: ["lakehouse-admins"] } },
            { title: "the KMFlow set to the pipeline", resources: () => [pipelineSp(), ...kmflowGrants()] },
        ],
    },
    "uc-broad-groups-discovery-only": {
        violating: [
            { title: "MODIFY to account users", resources: () => [grants({ schema: "lake.gold" }, [["account users", ["USE_SCHEMA", "MODIFY"]]])], says: /"account users" is granted schema lake.gold with MODIFY/ },
            { title: "SELECT to users through a single Grant", resources: () => [res(T.grant, { catalog: "lake", principal: "users", privileges: ["SELECT"] })], says: /SELECT/ },
        ],
        compliant: [{ title: "USE_CATALOG and BROWSE to account users", resources: () => [grants({ catalog: "lake" }, [["account users", ["USE_CATALOG", "BROWSE"]]])] }],
    },
    "uc-privileges-valid-on-securable": {
        violating: [
            { title: "WRITE_VOLUME on a table", resources: () => [grants({ table: "lake.bronze.meta" }, [[ANALYSTS, ["SELECT", "WRITE_VOLUME"]]])], says: /WRITE_VOLUME, which does not apply to a table/ },
            { title: "CREATE_SCHEMA on a schema", resources: () => [grants({ schema: "lake.bronze" }, [[ANALYSTS, ["CREATE_SCHEMA"]]])], says: /does not apply to a schema/ },
            { title: "a privilege Unity Catalog does not have", resources: () => [grants({ catalog: "lake" }, [[ANALYSTS, ["READ_EVERYTHING"]]])], says: /is not a Unity Catalog privilege/ },
        ],
        compliant: [{ title: "the KMFlow set, each on its securable", resources: () => kmflowGrants() }],
    },
    "uc-writes-only-by-writers": {
        violating: [
            { title: "MODIFY to analysts", resources: () => [grants({ schema: "lake.gold" }, [[ANALYSTS, ["SELECT", "MODIFY"]]])], says: /"data-analysts" .* MODIFY but is not an allow-listed writer/ },
            { title: "CREATE_TABLE to the app principal", resources: () => [grants({ schema: "lake.gold" }, [[APP_SP_ID, ["CREATE_TABLE"]]])], says: /CREATE_TABLE/ },
        ],
        compliant: [
            { title: "writes by the pipeline principal (role:pipeline, the default writer)", resources: () => [pipelineSp(), ...kmflowGrants()] },
            { title: "writes by an allow-listed engineering group", resources: () => [grants({ schema: "lake.silver" }, [["data-engineers", ["MODIFY"]]])], config: { writers: ["role:pipeline", "data-engineers"] } },
        ],
    },
    "uc-least-privilege-allowance": {
        violating: [
            { title: "SELECT on the catalog for the pipeline (reaches every table)", resources: () => [pipelineSp(), ...kmflowGrants(), grants({ catalog: "lake" }, [[PIPELINE_APP_ID, ["SELECT"]]])], says: /role:pipeline \(1{8}-.*\) would hold more than its allowance \(role:pipeline\) from catalog lake: SELECT on it \(allowed on a catalog: USE_CATALOG, USE_SCHEMA, CREATE_SCHEMA, BROWSE\)\.$/ },
            {
                title: "EXECUTE on a schema for the pipeline (reaches its models and functions)",
                resources: () => [pipelineSp(), grants({ schema: "lake.gold" }, [[PIPELINE_APP_ID, ["USE_SCHEMA", "EXECUTE"]]])],
                says: /from schema lake.gold: EXECUTE on it \(allowed on a schema: .*\); EXECUTE on every registered model in it \(allowed on a registered model: none\); EXECUTE on every function in it/,
            },
            { title: "SELECT on a schema for a principal without an allowance of its own (the default is discovery only)", resources: () => [grants({ schema: "lake.gold" }, [[ANALYSTS, ["USE_SCHEMA", "SELECT"]]])], says: /"data-analysts" would hold more than its allowance \(defaultAllowance\)/ },
            {
                title: "SELECT on bronze for a principal allowed gold only",
                resources: () => [grants({ schema: "lake.lake_bronze" }, [[ANALYSTS, ["USE_SCHEMA", "SELECT"]]])],
                config: { allowances: { [ANALYSTS]: { schema: ["USE_SCHEMA"], "schema:gold": ["SELECT"], "table:gold": ["SELECT"] } } },
                says: /from schema lake.lake_bronze: SELECT on it \(allowed on a schema: USE_SCHEMA\)/,
            },
            { title: "EXECUTE on a model for the app's service principal (it reads gold only)", resources: () => [res(T.app, { name: "lakehouse-dev-app" }, { name: "app" }), grants({ model: "lake.gold.m" }, [["44444444-4444-4444-8444-444444444444", ["EXECUTE"]]], { dependsOn: ["urn:pulumi:test::lakehouse::databricks:index/app:App::app"] })], says: /role:app .* \(role:app\) from registered model lake.gold.m: EXECUTE/ },
            { title: "CAN_MANAGE on the warehouse for the pipeline", resources: () => [pipelineSp(), perms({ sqlEndpointId: "w" }, [{ servicePrincipalName: PIPELINE_APP_ID, permissionLevel: "CAN_MANAGE" }])], says: /from the sqlWarehouse \(Permissions .*\): CAN_MANAGE on it \(allowed on a sqlWarehouse: CAN_USE, CAN_VIEW, CAN_MONITOR\)/ },
        ],
        compliant: [
            {
                title: "the KMFlow set for the pipeline, gold read for analysts as policy config allows it",
                resources: () => [pipelineSp(), ...kmflowGrants(), grants({ schema: "lake.gold" }, [[ANALYSTS, ["USE_SCHEMA", "SELECT"]]]), perms({ sqlEndpointId: "w" }, [{ servicePrincipalName: PIPELINE_APP_ID, permissionLevel: "CAN_USE" }])],
                config: { allowances: { [ANALYSTS]: { "schema:gold": ["USE_SCHEMA", "SELECT"], "table:gold": ["SELECT"], "view:gold": ["SELECT"] } } },
            },
            { title: "discovery and view only for a principal without an allowance", resources: () => [grants({ catalog: "lake" }, [[ANALYSTS, ["USE_CATALOG", "BROWSE"]]]), perms({ jobId: "j" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_VIEW" }])] },
            { title: "an allowance from config for an engineering group", resources: () => [grants({ schema: "lake.silver" }, [["data-engineers", ["USE_SCHEMA", "MODIFY"]]])], config: { allowances: { "data-engineers": { schema: ["USE_SCHEMA", "MODIFY"], table: ["MODIFY"] } } } },
        ],
    },
    "uc-one-authority-per-securable": {
        violating: [
            { title: "two Grants on one schema", resources: () => [grants({ schema: "lake.gold" }, [[ANALYSTS, ["SELECT"]]], { name: "a" }), grants({ schema: "lake.gold" }, [[APP_SP_ID, ["SELECT"]]], { name: "b" })], says: /schema lake.gold already has an authoritative Grants \(a\); b would overwrite it/ },
            { title: "a Grant beside a Grants", resources: () => [grants({ catalog: "lake" }, [[ANALYSTS, ["USE_CATALOG"]]], { name: "all" }), res(T.grant, { catalog: "lake", principal: APP_SP_ID, privileges: ["USE_CATALOG"] }, { name: "one" })], says: /removes what Grant one adds/ },
            { title: "two Grant for one principal", resources: () => [res(T.grant, { catalog: "lake", principal: ANALYSTS, privileges: ["USE_CATALOG"] }, { name: "g1" }), res(T.grant, { catalog: "lake", principal: ANALYSTS, privileges: ["BROWSE"] }, { name: "g2" })], says: /already has a Grant for "data-analysts" \(g1\)/ },
        ],
        compliant: [{ title: "one Grants per securable", resources: () => kmflowGrants() }],
    },
    "uc-grants-to-groups-not-people": {
        violating: [
            { title: "SELECT to a person in a stack tagged production", resources: () => [productionTag(), grants({ schema: "lake.gold" }, [["ana@example.com", ["SELECT"]]])], says: /is a user account/ },
            { title: "SELECT to a person where policy config says production", resources: () => [grants({ schema: "lake.gold" }, [["ana@example.com", ["SELECT"]]])], config: { production: true }, says: /is a user account/ },
            { title: "a job ACL entry for a person in production", resources: () => [productionTag(), perms({ jobId: "j" }, [{ userName: "ana@example.com", permissionLevel: "CAN_VIEW" }])], says: /"ana@example.com" is a user account and gets CAN_VIEW on the job \(Permissions r\d+\)/ },
            { title: "a secret scope ACL for a person in production", resources: () => [productionTag(), res(T.secretAcl, { scope: "s", principal: "ana@example.com", permission: "READ" })], says: /gets READ on secret scope s/ },
        ],
        compliant: [
            { title: "SELECT to a group in production", resources: () => [productionTag(), grants({ schema: "lake.gold" }, [[ANALYSTS, ["SELECT"]]])] },
            { title: "an allow-listed break-glass user in production", resources: () => [productionTag(), grants({ schema: "lake.gold" }, [["oncall@example.com", ["SELECT"]]]), perms({ jobId: "j" }, [{ userName: "oncall@example.com", permissionLevel: "CAN_VIEW" }])], config: { allowedUsers: ["oncall@example.com"] } },
            { title: "SELECT to a person in a development stack", resources: () => [developmentTag(), grants({ schema: "lake.gold" }, [["ana@example.com", ["SELECT"]]])] },
        ],
    },
    // ── Unity Catalog objects ─────────────────────────────────────────────────────────────
    "storage-credential-managed-identity": {
        violating: [
            { title: "a client-secret credential", resources: () => [res(T.storageCredential, { name: "c", azureServicePrincipal: { applicationId: "a", clientSecret: "s", directoryId: "d" } })], says: /azureServicePrincipal is set/ },
            { title: "no identity at all", resources: () => [res(T.storageCredential, { name: "c" })], says: /azureManagedIdentity is not set/ },
        ],
        compliant: [{ title: "the access connector's managed identity", resources: () => [res(T.storageCredential, { name: "c", azureManagedIdentity: { accessConnectorId: "/x/accessConnectors/dbac" } })] }],
    },
    "uc-bound-to-workspace": {
        violating: [
            { title: "an open catalog", resources: () => [res(T.catalog, { name: "lake" })], says: /unset \(OPEN\)/ },
            { title: "an open external location", resources: () => [res(T.externalLocation, { name: "l", url: "abfss://x@y.dfs.core.windows.net/", credentialName: "c", isolationMode: "ISOLATION_MODE_OPEN" })], says: /ISOLATION_MODE_OPEN/ },
        ],
        compliant: [
            {
                title: "isolated catalog, credential and location",
                resources: () => [
                    res(T.catalog, { name: "lake", isolationMode: "ISOLATED" }),
                    res(T.storageCredential, { name: "c", isolationMode: "ISOLATION_MODE_ISOLATED", azureManagedIdentity: { accessConnectorId: "x" } }),
                    res(T.externalLocation, { name: "l", url: "abfss://x@y.dfs.core.windows.net/", credentialName: "c", isolationMode: "ISOLATION_MODE_ISOLATED" }),
                ],
            },
        ],
    },
    "external-location-validated": {
        violating: [
            { title: "validation skipped", resources: () => [res(T.externalLocation, { name: "l", url: "abfss://x@y.dfs.core.windows.net/", credentialName: "c", skipValidation: true })], says: /skipValidation is true/ },
            { title: "fallback to cluster credentials", resources: () => [res(T.externalLocation, { name: "l", url: "abfss://x@y.dfs.core.windows.net/", credentialName: "c", fallback: true })], says: /fallback is true/ },
        ],
        compliant: [{ title: "validated, no fallback", resources: () => [res(T.externalLocation, { name: "l", url: "abfss://x@y.dfs.core.windows.net/", credentialName: "c", skipValidation: false, fallback: false })] }],
    },
    // ── Databricks access ─────────────────────────────────────────────────────────────────
    "permissions-level-valid-for-object": {
        violating: [
            { title: "CAN_QUERY on a warehouse", resources: () => [perms({ sqlEndpointId: "w" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_QUERY" }])], says: /CAN_QUERY is not a permission level of a sqlWarehouse/ },
            { title: "CAN_RUN on a job", resources: () => [perms({ jobId: "j" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_RUN" }])], says: /job/ },
        ],
        compliant: [
            {
                title: "the right level for each object",
                resources: () => [
                    perms({ servingEndpointId: "e" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_QUERY" }]),
                    perms({ appName: "a" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_USE" }]),
                    perms({ jobId: "j" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_MANAGE_RUN" }]),
                    perms({ pipelineId: "p" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_RUN" }]),
                    perms({ clusterPolicyId: "c" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_USE" }]),
                ],
            },
        ],
    },
    "permissions-no-manage-to-everyone": {
        violating: [{ title: "CAN_MANAGE on an endpoint to users", resources: () => [perms({ servingEndpointId: "e" }, [{ groupName: "users", permissionLevel: "CAN_MANAGE" }])], says: /gives CAN_MANAGE to "users"/ }],
        compliant: [{ title: "CAN_QUERY to users", resources: () => [perms({ servingEndpointId: "e" }, [{ groupName: "users", permissionLevel: "CAN_QUERY" }])] }],
    },
    "permissions-manage-admins-only": {
        violating: [
            { title: "CAN_MANAGE on the warehouse to analysts", resources: () => [perms({ sqlEndpointId: "w" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_MANAGE" }])], says: /gives CAN_MANAGE on its sqlWarehouse to "data-analysts"/ },
            {
                title: "IS_OWNER of a job that runs as someone else",
                resources: () => {
                    const j = res(T.job, { name: "j", runAs: { servicePrincipalName: APP_SP_ID } });
                    return [pipelineSp(), j, perms({ jobId: "j-id" }, [{ servicePrincipalName: PIPELINE_APP_ID, permissionLevel: "IS_OWNER" }], { dependsOn: [j] })];
                },
                says: /IS_OWNER on its job to role:pipeline/,
            },
        ],
        compliant: [
            { title: "CAN_MANAGE to an allow-listed admin group", resources: () => [perms({ sqlEndpointId: "w" }, [{ groupName: "lakehouse-admins", permissionLevel: "CAN_MANAGE" }])], config: { admins: ["lakehouse-admins"] } },
            {
                title: "the pipeline principal owns the pipeline that runs as it",
                resources: () => {
                    const p = res(T.pipeline, { name: "medallion", catalog: "lake", runAs: { servicePrincipalName: PIPELINE_APP_ID } });
                    return [pipelineSp(), p, perms({ pipelineId: "p-id" }, [{ servicePrincipalName: PIPELINE_APP_ID, permissionLevel: "IS_OWNER" }], { dependsOn: [p] })];
                },
            },
        ],
    },
    "permissions-code-and-tokens-not-to-everyone": {
        violating: [
            { title: "personal access tokens for everyone", resources: () => [perms({ authorization: "tokens" }, [{ groupName: "users", permissionLevel: "CAN_USE" }])], says: /gives CAN_USE on tokens to "users" \(everyone\): every user could create personal access tokens/ },
            { title: "a code folder everyone may edit", resources: () => [perms({ directoryPath: "/Shared/lakehouse" }, [{ groupName: "Account Users", permissionLevel: "CAN_EDIT" }])], says: /gives CAN_EDIT on a directory to "Account Users"/ },
            { title: "a notebook everyone may run", resources: () => [perms({ notebookPath: "/Shared/report" }, [{ groupName: "users", permissionLevel: "CAN_RUN" }])], says: /CAN_RUN on a notebook/ },
        ],
        compliant: [
            { title: "tokens for a platform team, code readable by everyone", resources: () => [perms({ authorization: "tokens" }, [{ groupName: "platform-engineers", permissionLevel: "CAN_USE" }]), perms({ directoryPath: "/Shared/lakehouse" }, [{ groupName: "users", permissionLevel: "CAN_READ" }])] },
            { title: "everyone on a warehouse is another policy's business", resources: () => [perms({ sqlEndpointId: "w" }, [{ groupName: "users", permissionLevel: "CAN_USE" }])] },
        ],
    },
    "secret-acl-no-everyone": {
        violating: [{ title: "READ to users", resources: () => [res(T.secretAcl, { scope: "s", principal: "users", permission: "READ" })], says: /gives READ on the scope to "users"/ }],
        compliant: [{ title: "READ to the pipeline principal", resources: () => [res(T.secretAcl, { scope: "s", principal: PIPELINE_APP_ID, permission: "READ" })] }],
    },
    "secret-acl-read-only-except-admins": {
        violating: [
            { title: "MANAGE to the pipeline principal", resources: () => [pipelineSp(), res(T.secretAcl, { scope: "s", principal: PIPELINE_APP_ID, permission: "MANAGE" })], says: /gives MANAGE on secret scope s to role:pipeline/ },
            { title: "WRITE to analysts", resources: () => [res(T.secretAcl, { scope: "s", principal: ANALYSTS, permission: "WRITE" })], says: /WRITE/ },
        ],
        compliant: [
            { title: "READ to the pipeline principal", resources: () => [res(T.secretAcl, { scope: "s", principal: PIPELINE_APP_ID, permission: "READ" })] },
            { title: "MANAGE to an allow-listed admin group", resources: () => [res(T.secretAcl, { scope: "s", principal: "lakehouse-admins", permission: "MANAGE" })], config: { admins: ["lakehouse-admins"] } },
        ],
    },
    "secret-scope-no-initial-manage-principal": {
        violating: [{ title: 'initialManagePrincipal "users"', resources: () => [res(T.secretScope, { name: "s", initialManagePrincipal: "users" })], says: /initialManagePrincipal is "users"/ }],
        compliant: [{ title: "no initial manage principal", resources: () => [res(T.secretScope, { name: "s" })] }],
    },
    // ── Acting through another identity ───────────────────────────────────────────────────
    "act-as-only-allowed-principals": {
        violating: [
            { title: "CAN_MANAGE_RUN on a job that runs as the pipeline, to analysts", resources: () => runsAsPipeline("job", { groupName: ANALYSTS, permissionLevel: "CAN_MANAGE_RUN" }), says: /"data-analysts" gets CAN_MANAGE_RUN on job j, so it could act as role:pipeline/ },
            { title: "CAN_RUN on a pipeline that runs as the pipeline, to analysts", resources: () => runsAsPipeline("pipeline", { groupName: ANALYSTS, permissionLevel: "CAN_RUN" }), says: /CAN_RUN on pipeline p/ },
            {
                title: "CAN_EDIT on the folder holding the code a job runs",
                resources: () => {
                    const [sp, j] = runsAsPipeline("job");
                    return [sp, j, perms({ directoryPath: "/Users/11111111-1111-4111-8111-111111111111/lakehouse/jobs" }, [{ groupName: ANALYSTS, permissionLevel: "CAN_EDIT" }])];
                },
                says: /CAN_EDIT on code that job j runs/,
            },
            {
                title: "READ on the secret scope holding the pipeline's client secret",
                resources: () => {
                    const app = res(T.entraApp, { displayName: "lakehouse-dev-pipeline" }, { name: "application" });
                    const password = res(T.password, { applicationId: "/applications/x", endDateRelative: "2160h" }, { name: "client-secret", dependsOn: [app] });
                    return [pipelineSp(), app, password, res(T.secret, { scope: "platform", key: "pipeline-client-secret", stringValue: "s" }, { dependsOn: [password] }), res(T.secretAcl, { scope: "platform", principal: ANALYSTS, permission: "READ" })];
                },
                says: /gets READ on secret scope platform, which holds the client secret of role:pipeline/,
            },
        ],
        compliant: [
            { title: "the pipeline principal owns the job that runs as it", resources: () => runsAsPipeline("job", { servicePrincipalName: PIPELINE_APP_ID, permissionLevel: "IS_OWNER" }) },
            { title: "view and read levels to analysts", resources: () => runsAsPipeline("job", { groupName: ANALYSTS, permissionLevel: "CAN_VIEW" }) },
            { title: "CAN_MANAGE_RUN to a group policy config allows to act as the pipeline", resources: () => runsAsPipeline("job", { groupName: "data-engineers", permissionLevel: "CAN_MANAGE_RUN" }), config: { actAs: { "role:pipeline": ["data-engineers"] } } },
        ],
    },
    // ── Databricks compute ────────────────────────────────────────────────────────────────
    "job-runs-as-service-principal": {
        violating: [
            { title: "no runAs", resources: () => job({}), says: /runAs is not set/ },
            { title: "runAs a user", resources: () => job({ runAs: { userName: "ana@example.com" } }), says: /runAs names "ana@example.com"/ },
        ],
        compliant: [{ title: "runAs the pipeline principal", resources: () => job({ runAs: { servicePrincipalName: PIPELINE_APP_ID } }) }],
    },
    "pipeline-runs-as-service-principal": {
        violating: [
            { title: "no runAs", resources: () => [res(T.pipeline, { name: "p", catalog: "lake" })], says: /runAs is not set/ },
            { title: "runAs a user", resources: () => [res(T.pipeline, { name: "p", catalog: "lake", runAs: { userName: "ana@example.com" } })], says: /runs as user/ },
        ],
        compliant: [{ title: "runAs a service principal", resources: () => [res(T.pipeline, { name: "p", catalog: "lake", runAs: { servicePrincipalName: PIPELINE_APP_ID } })] }],
    },
    "pipeline-publishes-to-unity-catalog": {
        violating: [
            { title: "a Hive metastore pipeline", resources: () => [res(T.pipeline, { name: "p", target: "db" })], says: /catalog is not set/ },
            { title: "a DBFS storage location", resources: () => [res(T.pipeline, { name: "p", catalog: "lake", storage: "dbfs:/pipelines/p" })], says: /storage is dbfs/ },
        ],
        compliant: [{ title: "a Unity Catalog pipeline", resources: () => [res(T.pipeline, { name: "p", catalog: "lake", schema: "bronze" })] }],
    },
    "compute-unity-catalog-access-mode": {
        violating: [
            { title: "a no-isolation cluster", resources: () => [res(T.cluster, { ...UC_CLUSTER, dataSecurityMode: "NONE" })], says: /dataSecurityMode is NONE/ },
            { title: "a job cluster without an access mode", resources: () => job({ jobClusters: [{ jobClusterKey: "main", newCluster: { sparkVersion: "16.4.x-scala2.12", numWorkers: 1 } }] }), says: /jobClusters\[main\]\.newCluster dataSecurityMode is unset/ },
            { title: "a task cluster in legacy table ACL mode", resources: () => job({ tasks: [{ taskKey: "t", newCluster: { sparkVersion: "16.4.x-scala2.12", dataSecurityMode: "LEGACY_TABLE_ACL" } }] }), says: /tasks\[t\]/ },
        ],
        compliant: [
            { title: "standard and dedicated clusters", resources: () => [res(T.cluster, UC_CLUSTER), ...job({ jobClusters: [{ jobClusterKey: "main", newCluster: { sparkVersion: "16.4.x-scala2.12", dataSecurityMode: "SINGLE_USER", singleUserName: PIPELINE_APP_ID } }] })] },
            { title: "a serverless job (no cluster)", resources: () => job({ tasks: [{ taskKey: "t", environmentKey: "default" }] }) },
        ],
    },
    "cluster-auto-termination": {
        violating: [
            { title: "auto-termination off", resources: () => [res(T.cluster, { ...UC_CLUSTER, autoterminationMinutes: 0 })], says: /autoterminationMinutes is 0; set 1-60/ },
            { title: "longer than the configured maximum", resources: () => [res(T.cluster, { ...UC_CLUSTER, autoterminationMinutes: 45 })], config: { maxMinutes: 30 }, says: /set 1-30/ },
        ],
        compliant: [{ title: "30 minutes", resources: () => [res(T.cluster, UC_CLUSTER)] }],
    },
    "cluster-policy-unity-catalog-access-mode": {
        violating: [
            { title: "a policy that does not constrain the access mode", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ spark_version: { type: "unlimited" } }) })], says: /not constrained/ },
            { title: "a policy that allows no isolation", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ data_security_mode: { type: "allowlist", values: ["USER_ISOLATION", "NONE"] } }) })], says: /allows NONE/ },
        ],
        compliant: [
            { title: "an allow-list of Unity Catalog modes", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ data_security_mode: { type: "allowlist", values: ["USER_ISOLATION", "SINGLE_USER"] } }) })] },
            { title: "a family policy with a fixed mode override", resources: () => [res(T.clusterPolicy, { name: "p", policyFamilyId: "personal-vm", policyFamilyDefinitionOverrides: policyDefinition({ data_security_mode: { type: "fixed", value: "SINGLE_USER" } }) })] },
            { title: "a policy for pipeline clusters only (the pipeline sets their mode)", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ cluster_type: { type: "fixed", value: "dlt" } }) })] },
        ],
    },
    "cluster-policy-auto-termination": {
        violating: [
            { title: "no auto-termination rule", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ cluster_type: { type: "fixed", value: "all-purpose" } }) })], says: /not constrained/ },
            { title: "a range that allows 0 (never)", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ autotermination_minutes: { type: "range", minValue: 0, maxValue: 60 } }) })], says: /range/ },
            {
                title: "cluster types that include all-purpose clusters",
                resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ cluster_type: { type: "allowlist", values: ["job", "all-purpose"] } }) })],
                says: /not constrained/,
            },
        ],
        compliant: [
            { title: "a range of 10-60 minutes", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ autotermination_minutes: { type: "range", minValue: 10, maxValue: 60, defaultValue: 30 } }) })] },
            { title: "a job-cluster policy", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ cluster_type: { type: "fixed", value: "job" } }) })] },
            { title: "a job and pipeline cluster policy", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ cluster_type: { type: "allowlist", values: ["job", "dlt"] } }) })] },
        ],
    },
    "cluster-policy-hardened": {
        violating: [
            {
                title: "a policy that leaves the runtime, disk encryption, SSH and init scripts open",
                resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ data_security_mode: { type: "fixed", value: "SINGLE_USER" }, spark_version: { type: "unlimited", defaultValue: "auto:latest-lts" } }) })],
                says: /enable_local_disk_encryption is not constrained/,
            },
            { title: "a runtime fixed to a moving alias", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ ...HARDENED, spark_version: { type: "fixed", value: "auto:latest-lts" } }) })], says: /spark_version allows auto:latest-lts, which is not a pinned runtime/ },
            { title: "a runtime outside the configured allow-list", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ ...HARDENED, spark_version: { type: "allowlist", values: ["15.4.x-scala2.12", "16.4.x-scala2.12"] } }) })], config: { allowedSparkVersions: ["16.4.x-scala2.12"] }, says: /allows 15.4.x-scala2.12, not in allowedSparkVersions/ },
            { title: "SSH keys allowed", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ ...HARDENED, "ssh_public_keys.*": { type: "unlimited" } }) })], says: /forbid "ssh_public_keys\.\*"/ },
            {
                title: "a pipeline-only policy that leaves the disks unencrypted",
                resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ cluster_type: { type: "fixed", value: "dlt" }, "ssh_public_keys.*": { type: "forbidden" }, "init_scripts.*.dbfs.destination": { type: "forbidden" } }) })],
                says: /enable_local_disk_encryption is not constrained/,
            },
        ],
        compliant: [
            { title: "a pinned runtime, encrypted disks, no SSH, no DBFS init scripts", resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition(HARDENED) })] },
            {
                title: "a pipeline-only policy with hardened nodes and no runtime (the channel picks it)",
                resources: () => [res(T.clusterPolicy, { name: "p", definition: policyDefinition({ cluster_type: { type: "fixed", value: "dlt" }, enable_local_disk_encryption: { type: "fixed", value: true }, "ssh_public_keys.*": { type: "forbidden" }, "init_scripts.*.dbfs.destination": { type: "forbidden" } }) })],
            },
            { title: "a family policy hardened through its overrides", resources: () => [res(T.clusterPolicy, { name: "p", policyFamilyId: "job-cluster", policyFamilyDefinitionOverrides: policyDefinition({ ...HARDENED, spark_version: { type: "fixed", value: "16.4.x-scala2.12" } }) })], config: { allowedSparkVersions: ["16.4.x-scala2.12"] } },
        ],
    },
    "warehouse-auto-stop": {
        violating: [
            { title: "auto-stop unset (provider default 120)", resources: () => [res(T.warehouse, { name: "w", clusterSize: "Small" })], says: /autoStopMins is unset \(120\)/ },
            { title: "never stops", resources: () => [res(T.warehouse, { name: "w", clusterSize: "Small", autoStopMins: 0 })], says: /autoStopMins is 0/ },
        ],
        compliant: [{ title: "10 minutes", resources: () => [res(T.warehouse, { name: "w", clusterSize: "Small", autoStopMins: 10 })] }],
    },
    "service-principal-no-cluster-create": {
        violating: [{ title: "allowed to create clusters", resources: () => [res(T.sp, { applicationId: PIPELINE_APP_ID, displayName: "x", allowClusterCreate: true })], says: /allowClusterCreate is true/ }],
        compliant: [{ title: "not allowed", resources: () => [pipelineSp()] }],
    },
    // ── Model serving ─────────────────────────────────────────────────────────────────────
    "serving-traffic-split-valid": {
        violating: [
            { title: "a split of 90 + 20", resources: () => [res(T.serving, endpoint([["champion", 90], ["challenger", 20]]))], says: /add up to 110%/ },
            { title: "a route to an entity the endpoint does not serve", resources: () => [res(T.serving, endpoint([["champion", 50], ["chalenger", 50]]))], says: /"chalenger", which is not a served entity/ },
            { title: "a fractional percentage", resources: () => [res(T.serving, endpoint([["champion", 49.5], ["challenger", 50.5]]))], says: /whole number/ },
            { title: "two entities and no routes", resources: () => [res(T.serving, { ...endpoint([]), config: { servedEntities: [{ name: "a" }, { name: "b" }] } })], says: /declares no traffic routes/ },
        ],
        compliant: [{ title: "a 90/10 split", resources: () => [res(T.serving, endpoint([["champion", 90], ["challenger", 10]]))] }],
    },
    "serving-inference-tables": {
        violating: [{ title: "no inference table", resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]], { aiGateway: { usageTrackingConfig: { enabled: true } } }))], says: /inference tables are off/ }],
        compliant: [
            { title: "AI gateway inference table", resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]]))] },
            { title: "legacy auto-capture", resources: () => [res(T.serving, { name: "e", config: { servedEntities: [{ name: "a" }], autoCaptureConfig: { enabled: true, catalogName: "lake", schemaName: "gold" } }, aiGateway: { usageTrackingConfig: { enabled: true } } })] },
        ],
    },
    "serving-payloads-private": {
        violating: [
            {
                title: "payloads in gold, beside the registered models",
                resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]], { aiGateway: { inferenceTableConfig: { enabled: true, catalogName: "lake", schemaName: "gold", tableNamePrefix: "c" } } })), res(T.registeredModel, { catalogName: "lake", schemaName: "gold", name: "model" })],
                says: /lake\.gold holds the inference payloads of r\d+ and also the registered model r\d+/,
            },
            {
                title: "legacy auto-capture into the schema a pipeline publishes to",
                resources: () => [
                    res(T.serving, { name: "e", config: { servedEntities: [{ name: "a" }], autoCaptureConfig: { enabled: true, catalogName: "lake", schemaName: "gold" } } }),
                    res(T.pipeline, { name: "p", catalog: "lake", schema: "gold" }),
                ],
                says: /the pipeline r\d+ publishes into lake\.gold/,
            },
            {
                title: "SELECT on the catalog, which reaches the payload schema",
                resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]])), grants({ catalog: "lake" }, [[ANALYSTS, ["USE_CATALOG", "USE_SCHEMA", "SELECT"]]])],
                says: /^"data-analysts" can read them \(SELECT\) without being an auditor: catalog lake reaches the inference payloads in lake\.payloads/,
            },
            {
                title: "a reader of the payload schema who is not an auditor",
                resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]])), grants({ schema: "lake.payloads" }, [["clinical-auditors", ["USE_SCHEMA", "SELECT"]], [ANALYSTS, ["USE_SCHEMA", "SELECT"]]])],
                config: { auditors: ["clinical-auditors"] },
                says: /^"data-analysts" can read them \(SELECT\) without being an auditor: schema lake\.payloads/,
            },
            {
                title: "SELECT on a schema marked for payloads, before any endpoint logs to it",
                resources: () => [res(T.schema, { catalogName: "lake", name: "payloads", properties: { contents: "inference-payloads" } }), grants({ schema: "lake.payloads" }, [[ANALYSTS, ["USE_SCHEMA", "SELECT"]]])],
                says: /^"data-analysts" can read them \(SELECT\) without being an auditor: schema lake\.payloads reaches the inference payloads in lake\.payloads/,
            },
            {
                title: "an auditor who may alter the payloads",
                resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]])), grants({ schema: "lake.payloads" }, [["clinical-auditors", ["USE_SCHEMA", "SELECT", "MODIFY"]]])],
                config: { auditors: ["clinical-auditors"] },
                says: /^"clinical-auditors" can alter or re-grant them \(MODIFY\)/,
            },
        ],
        compliant: [
            {
                title: "payloads in their own schema, read by the auditors; analysts read gold",
                resources: () => [
                    res(T.serving, endpoint([["champion", 100], ["challenger", 0]])),
                    res(T.registeredModel, { catalogName: "lake", schemaName: "gold", name: "model" }),
                    grants({ catalog: "lake" }, [["clinical-auditors", ["USE_CATALOG"]], [ANALYSTS, ["USE_CATALOG", "USE_SCHEMA"]]]),
                    grants({ schema: "lake.gold" }, [[ANALYSTS, ["SELECT"]]]),
                    grants({ schema: "lake.payloads" }, [["clinical-auditors", ["USE_SCHEMA", "SELECT"]]]),
                ],
                config: { auditors: ["clinical-auditors"] },
            },
            { title: "payloads nobody is granted anything on", resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]])), grants({ catalog: "lake" }, [[ANALYSTS, ["USE_CATALOG", "USE_SCHEMA"]]])] },
        ],
    },
    "serving-usage-tracking": {
        violating: [{ title: "usage tracking off", resources: () => [res(T.serving, endpoint([["champion", 50], ["challenger", 50]], { aiGateway: { usageTrackingConfig: { enabled: false } } }))], says: /usage tracking is off/ }],
        compliant: [{ title: "usage tracking on", resources: () => [res(T.serving, endpoint([["champion", 50], ["challenger", 50]]))] }],
    },
    "serving-rate-limits": {
        violating: [{ title: "no rate limits", resources: () => [res(T.serving, endpoint([["champion", 50], ["challenger", 50]], { aiGateway: { usageTrackingConfig: { enabled: true } } }))], says: /no aiGateway.rateLimits/ }],
        compliant: [{ title: "100 calls per user per minute", resources: () => [res(T.serving, endpoint([["champion", 50], ["challenger", 50]]))] }],
    },
    // ── Apps ──────────────────────────────────────────────────────────────────────────────
    "app-resources-least-privilege": {
        violating: [
            { title: "CAN_MANAGE on the warehouse", resources: () => [res(T.app, { name: "a", resources: [{ name: "wh", sqlWarehouse: { id: "w", permission: "CAN_MANAGE" } }] })], says: /resource wh \(sqlWarehouse\) asks for CAN_MANAGE/ },
            { title: "WRITE_VOLUME on a volume", resources: () => [res(T.app, { name: "a", resources: [{ name: "v", ucSecurable: { securableFullName: "lake.bronze.raw", securableType: "VOLUME", permission: "WRITE_VOLUME" } }] })], says: /WRITE_VOLUME/ },
        ],
        compliant: [
            {
                title: "use the warehouse, query the endpoint, read a secret",
                resources: () => [
                    res(T.app, {
                        name: "a",
                        resources: [
                            { name: "wh", sqlWarehouse: { id: "w", permission: "CAN_USE" } },
                            { name: "ep", servingEndpoint: { name: "e", permission: "CAN_QUERY" } },
                            { name: "key", secret: { scope: "s", key: "k", permission: "READ" } },
                        ],
                    }),
                ],
            },
        ],
    },
    // ── Azure storage ─────────────────────────────────────────────────────────────────────
    "storage-minimum-tls-1-2": {
        violating: [{ title: "TLS 1.0", resources: () => account({ minimumTlsVersion: "TLS1_0" }), says: /minimumTlsVersion is TLS1_0/ }],
        compliant: [{ title: "TLS 1.2", resources: () => account() }],
    },
    "storage-https-only": {
        violating: [{ title: "HTTP allowed", resources: () => account({ enableHttpsTrafficOnly: false }), says: /plain HTTP/ }],
        compliant: [{ title: "HTTPS only", resources: () => account() }],
    },
    "storage-no-public-blob-access": {
        violating: [{ title: "public blob access allowed", resources: () => account({ allowBlobPublicAccess: true }), says: /allowBlobPublicAccess is true/ }],
        compliant: [{ title: "public blob access off", resources: () => account() }],
    },
    "storage-shared-key-disabled": {
        violating: [{ title: "shared key left to the default", resources: () => account({ allowSharedKeyAccess: undefined }), says: /Azure default: allowed/ }],
        compliant: [{ title: "shared key off", resources: () => account() }],
    },
    "storage-network-default-deny": {
        violating: [{ title: "default Allow", resources: () => account({ networkRuleSet: { defaultAction: "Allow", bypass: "AzureServices" } }), says: /defaultAction is Allow/ }],
        compliant: [{ title: "default Deny", resources: () => account() }],
    },
    "storage-network-azure-services-bypass": {
        violating: [{ title: "no bypass", resources: () => account({ networkRuleSet: { defaultAction: "Deny", bypass: "None" } }), says: /bypass is None/ }],
        compliant: [{ title: "AzureServices with logging", resources: () => account({ networkRuleSet: { defaultAction: "Deny", bypass: "Logging, AzureServices" } }) }],
    },
    "storage-ip-rules-bounded": {
        violating: [
            { title: "one /8 (16.7 million addresses)", resources: () => account({ networkRuleSet: ipRules(["20.0.0.0/8"]) }), says: /^1 IP rule allows 16,777,216 IPv4 addresses \(0\.391% of IPv4\); at most 4,096 may pass the firewall\.$/ },
            { title: "a /23 where policy config allows 256 addresses", resources: () => account({ networkRuleSet: ipRules(["198.51.100.0/23"]) }), config: { maxAddresses: 256 }, says: /allows 512 IPv4 addresses/ },
            { title: "a rule that is not IPv4", resources: () => account({ networkRuleSet: ipRules(["2001:db8::/32"]) }), says: /"2001:db8::\/32" is not an IPv4 address or CIDR/ },
        ],
        compliant: [
            { title: "no IP rules", resources: () => account() },
            { title: "sixteen /24s, exactly the default maximum", resources: () => account({ networkRuleSet: ipRules(Array.from({ length: 16 }, (_v, i) => `198.51.${i}.0/24`)) }) },
            { title: "the same /20 three times (counted once)", resources: () => account({ networkRuleSet: ipRules(["20.1.0.0/20", "20.1.0.0/20", "20.1.8.0/21"]) }) },
        ],
    },
    "storage-ip-rules-public-ranges-only": {
        violating: [
            { title: "a private range", resources: () => account({ networkRuleSet: ipRules(["192.168.10.0/24"]) }), says: /IP rule 192\.168\.10\.0\/24 covers 192\.168\.0\.0\/16 \(private \(RFC 1918\)\)/ },
            { title: "a wide range that swallows private ones", resources: () => account({ networkRuleSet: ipRules(["0.0.0.0/1"]) }), says: /covers 0\.0\.0\.0\/8 \(this network\), 10\.0\.0\.0\/8 .*127\.0\.0\.0\/8 \(loopback\)/ },
            { title: "a CGNAT address", resources: () => account({ networkRuleSet: ipRules(["100.64.1.1"]) }), says: /CGNAT/ },
        ],
        compliant: [
            { title: "public addresses and ranges", resources: () => account({ networkRuleSet: ipRules(["20.1.2.3", "198.51.100.0/24"]) }) },
            { title: "a range policy config no longer reserves", resources: () => account({ networkRuleSet: ipRules(["192.168.10.0/24"]) }), config: { reservedRanges: { "10.0.0.0/8": "private" } } },
        ],
    },
    "storage-public-network-access-disabled": {
        violating: [
            { title: "public endpoint on in production", resources: () => account({ publicNetworkAccess: "Enabled", tags: PROD }), says: /publicNetworkAccess is Enabled/ },
            { title: "SecuredByPerimeter without a perimeter, in production", resources: () => account({ publicNetworkAccess: "SecuredByPerimeter", tags: PROD }), says: /no perimeter is associated/ },
        ],
        compliant: [
            { title: "private endpoints only, in production", resources: () => account({ tags: PROD }) },
            { title: "secured by an associated perimeter, in production", resources: () => perimeterAround(account({ publicNetworkAccess: "SecuredByPerimeter", tags: PROD })[0]) },
            { title: "a public endpoint in a development stack", resources: () => account({ publicNetworkAccess: "Enabled", tags: DEV }) },
        ],
    },
    "storage-no-local-users-or-sftp": {
        violating: [
            { title: "SFTP on", resources: () => account({ isSftpEnabled: true }), says: /isSftpEnabled is true/ },
            { title: "local users left to the default", resources: () => account({ isLocalUserEnabled: undefined }), says: /isLocalUserEnabled is unset/ },
        ],
        compliant: [{ title: "both off", resources: () => account() }],
    },
    "storage-geo-redundant-replication": {
        violating: [
            { title: "zone-redundant only in a production stack (the account's own environment tag)", resources: () => account({ sku: { name: "Standard_ZRS" }, tags: { environment: "production" } }), says: /sku is Standard_ZRS/ },
            { title: "locally redundant where policy config says production", resources: () => account({ sku: { name: "Standard_LRS" } }), config: { production: true }, says: /sku is Standard_LRS/ },
        ],
        compliant: [
            { title: "RA-GZRS in production", resources: () => account({ tags: { environment: "production" } }) },
            { title: "zone-redundant in a development stack", resources: () => account({ sku: { name: "Standard_ZRS" }, tags: { environment: "development" } }) },
        ],
    },
    "storage-blob-soft-delete": {
        violating: [
            { title: "an account without blob service properties", resources: () => account(), says: /no BlobServiceProperties/ },
            {
                title: "one day of retention",
                resources: () => {
                    const [a] = account();
                    return [a, res(T.blobService, { accountName: "lakehousedeva1b2c3", deleteRetentionPolicy: { enabled: true, days: 1 }, containerDeleteRetentionPolicy: { enabled: true, days: 7 } }, { dependsOn: [a] })];
                },
                says: /deleteRetentionPolicy.days is 1; keep at least 7 days/,
            },
            {
                title: "container soft delete off",
                resources: () => {
                    const [a] = account();
                    return [a, res(T.blobService, { accountName: "lakehousedeva1b2c3", deleteRetentionPolicy: { enabled: true, days: 7 } }, { dependsOn: [a] })];
                },
                says: /containerDeleteRetentionPolicy is not enabled/,
            },
        ],
        compliant: [
            {
                title: "seven days for blobs and containers (matched by account name)",
                resources: () => [...account(), res(T.blobService, { accountName: "lakehousedeva1b2c3", deleteRetentionPolicy: { enabled: true, days: 7 }, containerDeleteRetentionPolicy: { enabled: true, days: 7 } })],
            },
        ],
    },
    "storage-customer-managed-key": {
        violating: [{ title: "Microsoft-managed key", resources: () => account({ encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true } }), says: /Microsoft.Storage/ }],
        compliant: [{ title: "Key Vault key", resources: () => account() }],
    },
    "storage-infrastructure-encryption": {
        violating: [{ title: "single encryption", resources: () => account({ encryption: { keySource: "Microsoft.Keyvault" } }), says: /requireInfrastructureEncryption is not true/ }],
        compliant: [{ title: "double encryption", resources: () => account() }],
    },
    "storage-account-name": {
        violating: [{ title: "upper case and a dash", resources: () => account({ accountName: "Lakehouse-Dev" }), says: /"Lakehouse-Dev" does not match/ }],
        compliant: [{ title: "lower-case alphanumerics", resources: () => account() }],
    },
    "storage-container-private": {
        violating: [{ title: "a public container", resources: () => [res(T.container, { accountName: "a", containerName: "gold", publicAccess: "Container" })], says: /publicAccess is Container/ }],
        compliant: [{ title: "a private container", resources: () => [res(T.container, { accountName: "a", containerName: "gold", publicAccess: "None" })] }],
    },
    // ── Azure Databricks workspace ────────────────────────────────────────────────────────
    "workspace-premium-sku": {
        violating: [{ title: "standard SKU", resources: () => workspace({ sku: { name: "standard" } }), says: /sku.name is standard/ }],
        compliant: [{ title: "premium SKU", resources: () => workspace() }],
    },
    "workspace-no-public-ip": {
        violating: [{ title: "public IPs", resources: () => workspace({ parameters: { enableNoPublicIp: { value: false } } }), says: /public IPs/ }],
        compliant: [{ title: "secure cluster connectivity", resources: () => workspace() }],
    },
    "workspace-public-network-access-disabled": {
        violating: [{ title: "a public workspace in production", resources: () => workspace({ publicNetworkAccess: "Enabled", tags: PROD }), says: /publicNetworkAccess is Enabled/ }],
        compliant: [
            { title: "Private Link only, in production", resources: () => workspace({ tags: PROD }) },
            { title: "a public front end in a development stack", resources: () => workspace({ publicNetworkAccess: "Enabled", tags: DEV }) },
        ],
    },
    // ── Network and audit ──────────────────────────────────────────────────────────────────────
    "network-compute-reaches-data": {
        violating: [
            { title: "a serverless warehouse and storage without a public endpoint, no NCC, no perimeter", resources: () => [...account(), warehouse(true)], says: /serverless\) cannot reach storage account lakehousedeva1b2c3: no NCC private endpoint rules/ },
            {
                title: "classic compute in an injected VNet without private endpoints to the storage",
                resources: () => [...account({ publicNetworkAccess: "Enabled" }), injectedWorkspace(), res(T.pipeline, { name: "p", clusters: [{ label: "default" }] })],
                says: /pipeline .* \(classic\) cannot reach .* no dfs and blob private endpoints in the workspace's VNet/,
            },
            { title: "NCC rules for dfs only", resources: () => ncc(account()[0], ["dfs"]).concat(warehouse(true)), says: /NCC rules for blob are missing/ },
        ],
        compliant: [
            { title: "serverless through NCC private endpoints for dfs and blob", resources: () => [...ncc(account()[0], ["dfs", "blob"]), warehouse(true)] },
            { title: "serverless through a perimeter that admits AzureDatabricksServerless", resources: () => [...perimeterAround(account({ publicNetworkAccess: "SecuredByPerimeter" })[0]), warehouse(true)] },
            {
                title: "classic compute through dfs and blob endpoints in the workspace's VNet",
                resources: () => {
                    const [a] = account();
                    return [a, injectedWorkspace(), ...storageEndpoints(a, `${VNET}/subnets/private-endpoints`), res(T.pipeline, { name: "p", clusters: [{ label: "default" }] })];
                },
            },
        ],
    },
    "subnet-has-network-security-group": {
        violating: [{ title: "a workspace subnet without an NSG", resources: () => [res(T.subnet, { subnetName: "host", addressPrefix: "10.0.0.0/26" })], says: /subnet host has no networkSecurityGroup/ }],
        compliant: [
            { title: "a subnet with its NSG", resources: () => [res(T.subnet, { subnetName: "host", networkSecurityGroup: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n" } })] },
            { title: "the gateway subnet, where Azure forbids one", resources: () => [res(T.subnet, { subnetName: "GatewaySubnet" })] },
        ],
    },
    "nsg-no-inbound-from-internet": {
        violating: [
            { title: "SSH open to the internet", resources: () => [res(T.nsg, { securityRules: [{ name: "ssh", direction: "Inbound", access: "Allow", sourceAddressPrefix: "*", destinationPortRange: "22", protocol: "Tcp", priority: 100 }] })], says: /rule ssh allows inbound from anywhere to port\(s\) 22/ },
            { title: "a standalone rule from Internet", resources: () => [res(T.securityRule, { name: "http", direction: "Inbound", access: "Allow", sourceAddressPrefix: "Internet", destinationPortRange: "80" })], says: /allows inbound from anywhere/ },
        ],
        compliant: [
            { title: "an NSG without rules of its own (Azure Databricks adds its own)", resources: () => [res(T.nsg, { networkSecurityGroupName: "n" })] },
            { title: "inbound from the VNet only", resources: () => [res(T.nsg, { securityRules: [{ name: "vnet", direction: "Inbound", access: "Allow", sourceAddressPrefix: "VirtualNetwork", destinationPortRange: "*" }] })] },
        ],
    },
    "key-vault-hardened": {
        violating: [
            { title: "purge protection off and an open firewall", resources: () => [res(T.vault, { properties: { ...SECURE_VAULT, enablePurgeProtection: false, networkAcls: { defaultAction: "Allow" } } })], says: /enablePurgeProtection is not true/ },
            { title: "access policies instead of RBAC", resources: () => [res(T.vault, { properties: { ...SECURE_VAULT, enableRbacAuthorization: false } })], says: /enableRbacAuthorization is not true/ },
        ],
        compliant: [{ title: "soft delete, purge protection, RBAC, default Deny", resources: () => [res(T.vault, { properties: SECURE_VAULT })] }],
    },
    "network-data-not-public-in-production": {
        violating: [
            { title: "a firewall that allows everyone, in production", resources: () => account({ publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" }, tags: PROD }), says: /reachable from the internet: public endpoint with firewall default Allow/ },
            { title: "operators' addresses admitted, in production", resources: () => account({ publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Deny", ipRules: [{ iPAddressOrRange: "203.0.113.0/24" }] }, tags: PROD }), says: /admits 1 address range/ },
        ],
        compliant: [
            { title: "no public endpoint, in production", resources: () => account({ tags: PROD }) },
            { title: "an open firewall in a development stack", resources: () => account({ publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" }, tags: DEV }) },
        ],
    },
    "network-private-endpoints-in-production": {
        violating: [
            { title: "a production workspace without its UI/API endpoint", resources: () => workspace({ tags: PROD }), says: /no databricks_ui_api private endpoint/ },
            { title: "a production account with a dfs endpoint only", resources: () => { const [a] = account({ tags: PROD }); return [a, ...storageEndpoints(a, "s", ["dfs"])]; }, says: /no blob private endpoint/ },
        ],
        compliant: [
            {
                title: "the workspace's and the storage's endpoints, in production",
                resources: () => {
                    const [a] = account({ tags: PROD });
                    const [w] = workspace({ tags: PROD });
                    return [a, w, ...storageEndpoints(a, "s"), res(T.privateEndpoint, { privateLinkServiceConnections: [{ groupIds: ["databricks_ui_api"] }] }, { dependsOn: [w] })];
                },
            },
            { title: "no endpoints in a development stack", resources: () => [...account({ tags: DEV }), ...workspace({ tags: DEV })] },
        ],
    },
    "audit-diagnostic-settings": {
        violating: [
            { title: "a production workspace without diagnostic settings", resources: () => workspace({ tags: PROD }), says: /workspace has no diagnostic setting/ },
            {
                title: "a production account whose diagnostic setting is on the account, not its blob service",
                resources: () => { const [a] = account({ tags: PROD }); return [a, diagnostics(a, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a")]; },
                says: /blob service has no diagnostic setting/,
            },
        ],
        compliant: [
            {
                title: "workspace logs and blob service logs, in production",
                resources: () => {
                    const [a] = account({ tags: PROD });
                    const [w] = workspace({ tags: PROD });
                    return [a, w, diagnostics(w, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w"), diagnostics(a, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default")];
                },
            },
            { title: "none in a development stack", resources: () => workspace({ tags: DEV }) },
        ],
    },
    "workspace-customer-managed-keys": {
        violating: [{ title: "no CMK", resources: () => workspace({ encryption: undefined, parameters: { enableNoPublicIp: { value: true } } }), says: /managed services .* and DBFS root/ }],
        compliant: [{ title: "CMK for managed services and DBFS", resources: () => workspace() }],
    },
    // ── Databricks workspace configuration ────────────────────────────────────────────────
    "workspace-conf-hardened": {
        violating: [
            { title: "results downloading on (any stack)", resources: () => [res(T.workspaceConf, { customConfig: { ...SECURE_CONF, enableResultsDownloading: "true" } })], says: /customConfig.enableResultsDownloading is "true"; set "false"/ },
            { title: "tokens that never expire", resources: () => [res(T.workspaceConf, { customConfig: { ...SECURE_CONF, maxTokenLifetimeDays: "0" } })], says: /maxTokenLifetimeDays is "0"; set 1-90/ },
            { title: "a production stack without a WorkspaceConf", resources: () => [productionTag()], says: /a production stack manages no databricks.WorkspaceConf/ },
            { title: "a production WorkspaceConf that leaves notebook export to the workspace default", resources: () => [productionTag(), res(T.workspaceConf, { customConfig: { enableResultsDownloading: "false", enableNotebookTableClipboard: "false", maxTokenLifetimeDays: "30" } })], says: /production stacks set enableExportNotebook/ },
        ],
        compliant: [
            { title: "the secure settings in production", resources: () => [productionTag(), res(T.workspaceConf, { customConfig: SECURE_CONF })] },
            { title: "tokens off in production (no lifetime needed)", resources: () => [productionTag(), res(T.workspaceConf, { customConfig: { enableResultsDownloading: false, enableExportNotebook: "false", enableNotebookTableClipboard: "False", enableTokensConfig: "false" } })] },
            { title: "a development stack that leaves the workspace defaults", resources: () => [developmentTag()] },
        ],
    },
    // ── Azure role assignments ────────────────────────────────────────────────────────────
    "rbac-no-privileged-roles": {
        violating: [{ title: "Owner on the resource group", resources: () => roleAssignment(OWNER, `${SUBSCRIPTION}/resourceGroups/rg`), says: /assigns Owner/ }],
        compliant: [{ title: "Storage Blob Data Contributor on the account", resources: () => roleAssignment(BLOB_CONTRIBUTOR, ACCOUNT_ID) }],
    },
    "rbac-data-roles-scoped-to-storage": {
        violating: [
            { title: "blob data role on the resource group", resources: () => roleAssignment(BLOB_CONTRIBUTOR, `${SUBSCRIPTION}/resourceGroups/rg-lakehouse-dev`), says: /assigns Storage Blob Data Contributor on \/subscriptions/ },
            { title: "blob data role on the subscription", resources: () => roleAssignment(BLOB_CONTRIBUTOR, SUBSCRIPTION), says: /scope it to the storage account/ },
        ],
        compliant: [
            { title: "on the account", resources: () => roleAssignment(BLOB_CONTRIBUTOR, ACCOUNT_ID) },
            { title: "on one container", resources: () => roleAssignment(BLOB_CONTRIBUTOR, `${ACCOUNT_ID}/blobServices/default/containers/gold`) },
        ],
    },
    // ── Entra ID ──────────────────────────────────────────────────────────────────────────
    "entra-password-max-lifetime": {
        violating: [
            { title: "no expiry (two years)", resources: () => password({ rotateWhenChanged: { window: "w" } }), says: /neither endDate nor endDateRelative/ },
            { title: "valid for a year from its start date", resources: () => password({ startDate: "2026-01-01T00:00:00Z", endDate: "2027-01-01T00:00:00Z" }), says: /valid for 365 days; the maximum is 180/ },
            { title: "a relative expiry past the configured maximum", resources: () => password({ endDateRelative: "2880h" }), config: { maxLifetimeDays: 90 }, says: /120 days; the maximum is 90/ },
            {
                title: "an end date 395 days after its rotation window (secretRotationDays 365 plus the grace period)",
                resources: () => password({ endDate: "2027-01-31T00:00:00.000Z", rotateWhenChanged: { window: "2026-01-01T00:00:00.000Z" } }),
                says: /valid for 395 days/,
            },
            { title: "a fixed end date with nothing that says when the password starts", resources: () => password({ endDate: "2027-01-01T00:00:00Z", rotateWhenChanged: { window: "w" } }), says: /depend on the day it is created/ },
        ],
        compliant: [
            { title: "120 days from its start date", resources: () => password({ startDate: "2026-03-01T00:00:00Z", endDate: "2026-06-29T00:00:00Z" }) },
            { title: "90 days after its rotation window", resources: () => password({ endDate: "2026-04-01T00:00:00.000Z", rotateWhenChanged: { window: "2026-01-01T00:00:00.000Z" } }) },
            { title: "2160h relative", resources: () => password({ endDateRelative: "2160h" }) },
        ],
    },
    "entra-password-rotates": {
        violating: [{ title: "no rotation trigger", resources: () => password({ startDate: "2026-07-19T00:00:00Z", endDate: "2026-10-17T00:00:00Z" }), says: /rotateWhenChanged is not set/ }],
        compliant: [{ title: "rotates with the window", resources: () => password({ endDate: "2027-01-15T00:00:00.000Z", rotateWhenChanged: { window: "2026-10-17T00:00:00.000Z" } }) }],
    },
    // ── Data protection ───────────────────────────────────────────────────────────────────
    "data-protected-in-production": {
        violating: [
            { title: "an unprotected catalog in production", resources: () => [res(T.catalog, { name: "lake" }, { name: "catalog", protect: false })], config: { production: true }, says: /Catalog catalog holds data \(or is the only path to it\) but is not protected/ },
            { title: "an unprotected storage account in production", resources: () => [res(T.account, SECURE_ACCOUNT, { protect: false })], config: { production: true }, says: /StorageAccount/ },
            { title: "an unprotected registered model in a stack tagged production", resources: () => [productionTag(), res(T.registeredModel, { name: "m", catalogName: "lake", schemaName: "gold" }, { name: "model" })], says: /RegisteredModel model holds data/ },
            { title: "an unprotected access connector in a stack tagged production", resources: () => [res(T.accessConnector, { connectorName: "dbac", identity: { type: "SystemAssigned" }, tags: { environment: "production" } }, { name: "access-connector" })], says: /AccessConnector access-connector holds data \(or is the only path to it\)/ },
        ],
        compliant: [
            { title: "protected data in production", resources: () => [res(T.catalog, { name: "lake" }, { protect: true }), res(T.volume, { name: "raw", catalogName: "lake", schemaName: "bronze", volumeType: "MANAGED" }, { protect: true })], config: { production: true } },
            { title: "unprotected data outside production", resources: () => [res(T.catalog, { name: "lake" })], config: { production: false } },
            { title: "unprotected non-data resources in production", resources: () => [res(T.warehouse, { name: "w", clusterSize: "Small", autoStopMins: 10 })], config: { production: true } },
        ],
    },
    "data-no-force-destroy-in-production": {
        violating: [{ title: "forceDestroy on a production schema", resources: () => [res(T.schema, { name: "gold", catalogName: "lake", forceDestroy: true }, { name: "schema-gold", protect: true })], config: { production: true }, says: /forceDestroy is true on schema-gold/ }],
        compliant: [
            { title: "forceDestroy false in production", resources: () => [res(T.schema, { name: "gold", catalogName: "lake", forceDestroy: false }, { protect: true })], config: { production: true } },
            { title: "forceDestroy in development", resources: () => [res(T.schema, { name: "gold", catalogName: "lake", forceDestroy: true })] },
        ],
    },
    // ── Databricks Security Analysis Tool baseline (tests/policy-cases-sat.ts) ────────────
    ...SAT_CASES,
    // ── Cost ──────────────────────────────────────────────────────────────────────────────
    "cost-estimate-within-budget": {
        violating: [
            { title: "9.80 a month of storage against a budget of 9", resources: () => pricedStack(9, DEV), says: /active monthly estimate, 9\.80 USD, exceeds budget b \(9\.00\) by 9%/ },
            { title: "usage in the policy config that is not a number", resources: () => pricedStack(100, DEV), config: { usage: { storedGB: "lots" } }, says: /invalid policy config\.usage\.storedGB = "lots"/ },
        ],
        compliant: [
            { title: "9.80 a month against a budget of 10", resources: () => pricedStack(10, DEV) },
            { title: "1,000 GB under the policy config's usage against a budget of 20", resources: () => pricedStack(20, DEV), config: { usage: { storedGB: 1000 } } },
            { title: "no budget declared", resources: () => pricedStack(0, DEV).slice(0, 1) },
        ],
    },
    "cost-estimate-within-budget-margin": {
        violating: [{ title: "production 22.5% over a budget of 8", resources: () => pricedStack(8, PROD), says: /exceeds budget b \(8\.00\) by 23%.*Production allows 10% over/ }],
        compliant: [
            { title: "production 9% over a budget of 9: within the margin", resources: () => pricedStack(9, PROD) },
            { title: "development over any margin", resources: () => pricedStack(1, DEV) },
            { title: "production 22.5% over with a margin of 25", resources: () => pricedStack(8, PROD), config: { margin: 25 } },
        ],
    },
};
