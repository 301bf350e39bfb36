/**
 * The configuration reference: one entry per config path the program reads, in the order
 * `docs/configuration.md` shows them (`npm run docs` renders it with tools/config-docs.ts).
 *
 * What is here is what a reader needs beside the value: the type, what is allowed, one line on what
 * it sets and, where one line is not enough, the details rendered below the table. Defaults are NOT
 * here: the page takes them from `CONFIG_DEFAULTS` (what `Pulumi.yaml` declares, tested equal), and
 * `derived` only describes the defaults the code computes (a name from the prefix and the stack, a
 * size from the compute profile). Allowed values come from the constants the parsers use; integer
 * ranges and option lists are probed against `resolveConfig` by tests/config-reference.test.ts, as
 * is every path (the parsers accept it) and every field the parsers accept (it has an entry).
 *
 * Paths: `a.b.c` as `pulumi config set --path` writes them; `<name>` is a key of a map the user
 * chooses (`principals.<role>`), `[i]` an item of a list. `azure-native:location` keeps its namespace.
 */
import { USAGE_FIELDS } from "../../policies/cost/basis";
import { FLAT_GROUPS, RATE_TABLE, REGIONAL_GROUPS } from "../../policies/cost/rates";
import { PERMISSION_LEVELS, PRIVILEGES } from "../../policies/privileges";
import { APP_COMPUTE_SIZES, COMPUTE_SIZES, SERVING_WORKLOAD_SIZES, WAREHOUSE_SIZES, sizeProfile } from "../sizing";
import { ARM_ID } from "./adopt";
import { APP_ENABLED, APP_NAME } from "./app";
import { BUDGET_LIMITS } from "./cost";
import { LANDING_LAYER, PAYLOADS, REQUIRED_LAYERS, SERVING_LAYER, UC_IDENTIFIER } from "./catalog";
import { AUTO, PIPELINE_MODES } from "./pipelines";
import { COMPLIANCE_STANDARDS, POSTURES, SERVERLESS_PATHS } from "../network/settings";
import { ENVIRONMENTS, ROTATION_GRACE_DAYS, STORAGE_SKUS } from "./platform";
import { PLATFORM_ROLES, PRINCIPAL_KINDS } from "./principals";
import { QUARTZ_ALLOWED } from "../../policies/quartz";
import { DATABRICKS_REGIONS, UNSUPPORTED_REGIONS } from "./regions";
import { ENDPOINT_NAME, ENTITY_NAME, MAX_SERVED_ENTITIES, RATE_LIMIT_KEYS, RATE_LIMIT_PERIODS } from "./serving";

export interface ReferenceEntry {
    /** Config path (see the module comment). */
    path: string;
    /** `string`, `integer`, `boolean`, `list of string`, `object`, … */
    type: string;
    /** What the value may be, one short phrase; rendered from `options` or `range` when absent. */
    allowed?: string;
    /** The only values accepted (tests feed the parser a value outside them). */
    options?: readonly string[];
    /** Integer bounds, inclusive (tests feed the parser both bounds and one past each). */
    range?: { min: number; max: number };
    /** A default the code computes rather than declares, in words (never a copy of a declared default). */
    derived?: string;
    /** Set when the program rejects every value, saying why (the field exists to explain that). */
    rejected?: true;
    /** What it sets, one short line. */
    summary: string;
    /** The long explanation, rendered below the table (Markdown). */
    details?: string;
}

const code = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(", ");
const TRI_STATE = [AUTO, "true", "false"] as const;
const ROLE_LIST = "roles declared in `principals`";

/** The compute profile of every size, one line per size, from `components/sizing.ts`. */
function profileTable(): string {
    const rows = COMPUTE_SIZES.map((size) => {
        const p = sizeProfile(size);
        return `| \`${size}\` | ${p.warehouse.size}, ${p.warehouse.minClusters}-${p.warehouse.maxClusters} clusters | ${p.cluster.nodeType}, ${p.cluster.minWorkers}-${p.cluster.maxWorkers} workers | ${p.serving.workloadSize} | ${p.app.computeSize} |`;
    });
    return ["| computeSize | SQL warehouse | job and pipeline clusters | serving workload | app |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** `small → 2X-Small, medium → Small, …` for one part of the profile. */
function fromProfile(pick: (size: (typeof COMPUTE_SIZES)[number]) => string): string {
    return `from \`computeSize\`: ${COMPUTE_SIZES.map((s) => `${s} → ${pick(s)}`).join(", ")}`;
}

const unsupportedRegions = Object.entries(UNSUPPORTED_REGIONS)
    .map(([region, why]) => `\`${region}\` (${why})`)
    .join("; ");

/** Every config path the program reads, in page order. */
export const CONFIG_REFERENCE: readonly ReferenceEntry[] = [
    // --- platform -------------------------------------------------------------------------------
    {
        path: "azure-native:location",
        type: "string",
        allowed: `an Azure Databricks region (${DATABRICKS_REGIONS.length}, listed below)`,
        summary: "Azure region of every resource; required.",
        details:
            `The region as Azure spells it: ${code(DATABRICKS_REGIONS)}. Refused with the reason: ${unsupportedRegions}. ` +
            "The stack files set it, and so do the ESC environments `lakehouse/<stack>` (the stack file wins; a test keeps them equal).",
    },
    {
        path: "environment",
        type: "string",
        options: ENVIRONMENTS,
        summary: "Development or production stack.",
        details:
            "`production` requires `protectData: true`, and makes the `auto` values production ones: `pipelines.development` and " +
            "`pipelines.schedule.paused` (a production-mode pipeline and a live schedule; development: development mode, paused schedule), " +
            "`network.posture` (`private`), `security.enhancedSecurityMonitoring` and `security.automaticClusterUpdate` (on); the workspace " +
            "also turns off result downloads and the notebook table clipboard. It does not choose scale-to-zero (`serving.scaleToZero`) or the policy " +
            "levels (`policies/config/<stack>.json`). The policy pack reads it from the stack itself: the program tags every Azure resource " +
            "`environment: <value>`, and a stack whose resources or stack tags say production gets the production-only policies; a policy " +
            "config's `production: true` can add them to a stack, never take them away.",
    },
    {
        path: "protectData",
        type: "boolean",
        summary: "`protect` on every data-bearing resource; required in production.",
        details:
            "Protected: the storage account, its containers and the access connector, the workspace, the catalog, schemas, landing volume, " +
            "metadata table, registered models (which a destroy leaves in Unity Catalog in any case), " +
            "storage credential and external locations. `pulumi destroy`, and any change that would replace one of them, stop before " +
            "touching them (see [Teardown](operations.md#teardown)). Without it the catalog objects get `forceDestroy`, so a destroy removes " +
            "them with their content.",
    },
    {
        path: "namePrefix",
        type: "string",
        allowed: "2-10 lower-case letters and digits, from a letter",
        summary: "Prefix of every derived name.",
        details: "Names are derived from the prefix and the stack (`<prefix>-<stack>-…`; the storage account is `<prefix><stack><6 random>`). Changing it renames, that is replaces, nearly everything.",
    },
    {
        path: "tags.<name>",
        type: "string",
        allowed: "at most 256 characters, none of `< > % & \\ ? /`",
        summary: "Extra tags on every Azure resource.",
        details: "The program always sets `project`, `stack`, `environment` and `managed-by`; those names are refused here.",
    },
    {
        path: "computeSize",
        type: "string",
        options: COMPUTE_SIZES,
        summary: "One profile that sizes the warehouse, clusters, serving and the app.",
        details: `What each size means (\`components/sizing.ts\`); each part can be overridden on its own key (\`pipelines.warehouse.size\`, \`pipelines.nodeType\`, an entity's \`workloadSize\`, \`app.computeSize\`):\n\n${profileTable()}`,
    },
    {
        path: "secretRotationDays",
        type: "integer",
        range: { min: 7, max: 365 },
        summary: "Days between rotations of the pipeline identity's client secret.",
        details: `Rotation windows start on fixed dates, so every run inside one window keeps the same secret; the secret stays valid ${ROTATION_GRACE_DAYS} days past its window, so a late \`pulumi up\` does not break authentication.`,
    },
    // --- network --------------------------------------------------------------------------------
    {
        path: "network.posture",
        type: "string",
        options: ["auto", ...POSTURES],
        summary: "Private (no public front end) or development (public front end); auto: private in production.",
        details:
            "Both postures inject the workspace into a VNet with secure cluster connectivity, reach the storage privately and keep it closed to the internet. " +
            "`private` also takes the workspace's front end off the internet: Private Link for the UI/API and browser login (its own DNS zone), no NSG rules from Azure. " +
            "`development` keeps a public front end, guarded by an IP access list when `network.workspaceAllowedIpRanges` is set. " +
            "Changing the posture updates the workspace in place and adds or removes the front end's endpoints; in production the pack refuses `development` ([networking](networking.md#changing-posture)).",
    },
    {
        path: "network.databricksAccountId",
        type: "string",
        allowed: "the account id (a GUID), or empty",
        summary: "The Databricks account: the account-level provider for NCC and account principal checks.",
        details: "With it, serverless compute reaches the storage through private endpoints (`serverlessAccess: auto` → `ncc`) and every declared principal is looked up in the account during preview. The deployer must be an account admin.",
    },
    {
        path: "network.serverlessAccess",
        type: "string",
        allowed: `\`auto\`, ${code(SERVERLESS_PATHS)} (ncc needs the account id)`,
        summary: "How serverless compute reaches the storage; auto: ncc with an account id, else perimeter.",
        details:
            "`ncc`: an account-level network connectivity configuration with private endpoints to the storage's dfs and blob, approved by the program; the account has no public endpoint. " +
            "`perimeter`: a network security perimeter admits the region's serverless compute (service tag `AzureDatabricksServerless.<Region>`); the storage firewall denies everyone else.",
    },
    { path: "network.addressSpace", type: "string", allowed: "an IPv4 network, /16 to /24", summary: "The spoke VNet the program creates (not with `network.virtualNetwork`)." },
    {
        path: "network.clusterNodes",
        type: "integer or auto",
        allowed: "`auto`, or 4 to 4000",
        summary: "Cluster nodes the workspace subnets are sized for.",
        details: "`auto`: the job's and the pipeline's clusters at their largest (classic compute) plus two hand-started clusters at the policy's cap. Each node takes one address in each workspace subnet; subnets are never smaller than /26.",
    },
    { path: "network.virtualNetwork.id", type: "string", allowed: "a virtual network resource id", summary: "An existing VNet (hub-and-spoke): the program creates no VNet, NSG or NAT gateway." },
    { path: "network.virtualNetwork.hostSubnet", type: "string", allowed: "a subnet name", summary: "Its host subnet, delegated to Microsoft.Databricks/workspaces, with an NSG and egress." },
    { path: "network.virtualNetwork.containerSubnet", type: "string", allowed: "a subnet name", summary: "Its container subnet, delegated likewise." },
    { path: "network.virtualNetwork.privateEndpointSubnet", type: "string", allowed: "a subnet name", summary: "Its subnet for the program's private endpoints." },
    { path: "network.privateDnsZones.databricks", type: "string", allowed: "a private DNS zone id", summary: "Existing `privatelink.azuredatabricks.net` (private posture); else created and linked." },
    { path: "network.privateDnsZones.dfs", type: "string", allowed: "a private DNS zone id", summary: "Existing `privatelink.dfs.core.windows.net`; else created and linked." },
    { path: "network.privateDnsZones.blob", type: "string", allowed: "a private DNS zone id", summary: "Existing `privatelink.blob.core.windows.net`; else created and linked." },
    { path: "network.privateDnsZones.vault", type: "string", allowed: "a private DNS zone id", summary: "Existing `privatelink.vaultcore.azure.net` (with customer-managed keys); else created." },
    {
        path: "network.browserAuthentication",
        type: "string",
        options: ["create", "existing"],
        summary: "Private posture: create the region's browser-authentication endpoint, or one exists.",
        details: "Browser login over Private Link needs one `browser_authentication` endpoint per region and DNS zone: set `existing` when another workspace (a dedicated web-auth workspace, say) already has it.",
    },
    {
        path: "network.workspaceAllowedIpRanges",
        type: "list of string",
        allowed: "IPv4 addresses or CIDRs",
        summary: "Development posture: the IP access list of the public front end (empty: none).",
        details: "Keep the addresses of everyone who deploys (your CI's egress) in it: the list also applies to the API the providers call.",
    },
    {
        path: "network.storageAllowedIpRanges",
        type: "list of string",
        allowed: "IPv4 addresses or CIDRs",
        summary: "Perimeter only: operators' addresses through the storage firewall.",
    },
    {
        path: "network.workspacePublicNetworkAccess",
        type: "-",
        rejected: true,
        summary: "Refused: replaced by `network.posture`.",
    },
    // --- security -------------------------------------------------------------------------------
    { path: "security.logAnalyticsWorkspaceId", type: "string", allowed: "a Log Analytics id, or empty", summary: "Where diagnostic logs go; empty: one is created." },
    { path: "security.logRetentionDays", type: "integer", range: { min: 30, max: 730 }, summary: "Days the created Log Analytics workspace keeps logs." },
    { path: "security.enhancedSecurityMonitoring", type: "string", options: TRI_STATE, summary: "Enhanced security monitoring of the compute; auto: on in production." },
    { path: "security.automaticClusterUpdate", type: "string", options: TRI_STATE, summary: "Automatic cluster updates in a maintenance window; auto: on in production." },
    {
        path: "security.complianceSecurityProfile.enabled",
        type: "boolean",
        summary: "The compliance security profile (needs both of the above; effectively permanent).",
        details: "Meant to be permanent: Azure does not remove it, or a standard, from a workspace that has processed regulated data, so the in-place update the plan shows for turning it off would fail; only a new workspace drops it. With `PCI_DSS` no serverless compute is allowed, and the config refuses a stack that uses any.",
    },
    {
        path: "security.complianceSecurityProfile.standards",
        type: "list of string",
        allowed: "compliance standards (below)",
        summary: "The standards the profile applies.",
        details: `One or more of ${code(COMPLIANCE_STANDARDS)}.`,
    },
    {
        path: "security.customerManagedKeys",
        type: "boolean",
        summary: "A purge-protected Key Vault and key for the workspace's managed services.",
        details: "Notebooks, secrets and queries are encrypted with your key. The vault and key are protected in every stack: losing them makes that data unreadable.",
    },
    // --- storage --------------------------------------------------------------------------------
    { path: "storage.sku", type: "string", options: STORAGE_SKUS, summary: "Replication of the lakehouse account (geo-redundant SKUs satisfy CKV_AZURE_206)." },
    { path: "storage.softDeleteDays", type: "integer", range: { min: 1, max: 365 }, summary: "Days deleted blobs and containers stay recoverable." },
    {
        path: "storage.versioning",
        type: "-",
        rejected: true,
        summary: "Refused: Azure refuses blob versioning on hierarchical-namespace (ADLS Gen2) accounts.",
        details: "The key exists only to say so; soft delete (`storage.softDeleteDays`) keeps deleted blobs and containers recoverable.",
    },
    // --- Unity Catalog names --------------------------------------------------------------------
    {
        path: "catalog",
        type: "string",
        allowed: "a Unity Catalog name",
        summary: "Catalog name; unique in the metastore, so one per stack.",
        details: `Unity Catalog names here (catalog, schema, layers, volume, table, models, inference table prefixes) are ${UC_IDENTIFIER.allowed.replace(/^a Unity Catalog name: /, "")}.`,
    },
    { path: "schema", type: "string", allowed: "a Unity Catalog name", summary: "Base schema name: each layer's schema is `<schema>_<layer>`." },
    {
        path: "layers",
        type: "list of string",
        allowed: `Unity Catalog names, with ${code(REQUIRED_LAYERS)}`,
        summary: "Medallion layers in data-flow order: one container, schema and grants each.",
        details:
            `Raw files land in \`${LANDING_LAYER}\` (the landing volume and metadata table live in its schema) and the registered models serving uses live in \`${SERVING_LAYER}\`, so both are required. ` +
            `\`${PAYLOADS}\` is reserved: the inference tables have a schema of their own, \`<schema>_${PAYLOADS}\`, outside every layer. ` +
            "The pipeline code publishes to bronze, silver and gold: a new layer gets a container, an external location, a schema and the grants the matrix gives, and no tables until code writes to it (see [Add a medallion layer](recipes.md#add-a-medallion-layer)).",
    },
    { path: "landingVolume", type: "string", allowed: "a Unity Catalog name", summary: "External volume for raw files on the landing container, in the bronze schema." },
    { path: "metadataTable", type: "string", allowed: "a Unity Catalog name", summary: "The KMFlow metadata table (one row per raw file) in the bronze schema." },
    {
        path: "metastoreId",
        type: "string",
        allowed: 'a lower-case GUID, or ""',
        summary: "Metastore to assign the workspace to; empty when assignment is automatic.",
    },
    {
        path: "models.<name>",
        type: "object",
        allowed: "a Unity Catalog name as the key",
        summary: "A registered model of the gold schema that serving may refer to.",
        details:
            "Models have their own lifecycle: the catalog creates them, serving endpoints refer to them (an entity's `model` must be declared here) but never create or delete them, " +
            "and a model removed from this list stays in Unity Catalog with its versions (Pulumi only stops managing it).",
    },
    { path: "models.<name>.comment", type: "string", allowed: "any text", summary: "What the model is, shown in Catalog Explorer." },
    // --- principals -----------------------------------------------------------------------------
    {
        path: "principals.<role>",
        type: "object",
        allowed: `exactly one of ${code(PRINCIPAL_KINDS)}`,
        summary: "A role that grants and permissions may name.",
        details: `Role names start with a lower-case letter, then letters, digits, \`_\` or \`-\`. ${code(PLATFORM_ROLES)} are the platform's own service principals and cannot be declared.`,
    },
    { path: "principals.<role>.group", type: "string", allowed: "a group display name", summary: "The role is this group." },
    { path: "principals.<role>.servicePrincipal", type: "string", allowed: "an application id (GUID)", summary: "The role is this service principal." },
    { path: "principals.<role>.user", type: "string", allowed: "an e-mail address", summary: "The role is this user (prefer groups: an advisory policy flags users)." },
    // --- grants ---------------------------------------------------------------------------------
    {
        path: "grants.<role>",
        type: "object",
        allowed: `${code(PLATFORM_ROLES)} or a declared role`,
        summary: "What one role holds, per securable family.",
        details:
            "A stack that sets `grants` replaces the whole default (the KMFlow set below), so write every role. Each securable anyone holds " +
            "something on gets one authoritative grant resource: grants made by hand are revoked on the next `pulumi up`. " +
            "See [Grants and policies](grants-and-policies.md#the-grants-matrix).",
    },
    {
        path: "grants.<role>.catalog",
        type: "list of string",
        allowed: "privileges valid on a catalog",
        summary: "Privileges on the catalog.",
        details: `Privileges are spelled as the provider spells them (\`USE_CATALOG\`, not \`USE CATALOG\`). Valid on a catalog: ${code(PRIVILEGES.catalog)}. On a schema: ${code(PRIVILEGES.schema)}. On a volume: ${code(PRIVILEGES.volume)}. On a table: ${code(PRIVILEGES.table)}. On a registered model: ${code(PRIVILEGES.registered_model)}. The policy pack then decides what is least privilege.`,
    },
    { path: "grants.<role>.schemas", type: "list of string", allowed: "privileges valid on a schema", summary: "Privileges on every layer's schema." },
    { path: "grants.<role>.schemas.<layer>", type: "list of string", allowed: "privileges valid on a schema", summary: "Privileges on one layer's schema." },
    { path: "grants.<role>.volumes", type: "list of string", allowed: "privileges valid on a volume", summary: "Privileges on every volume (the landing volume)." },
    { path: "grants.<role>.volumes.<volume>", type: "list of string", allowed: "privileges valid on a volume", summary: "Privileges on one volume." },
    { path: "grants.<role>.tables", type: "list of string", allowed: "privileges valid on a table", summary: "Privileges on every table (the metadata table)." },
    { path: "grants.<role>.tables.<table>", type: "list of string", allowed: "privileges valid on a table", summary: "Privileges on one table." },
    { path: "grants.<role>.models", type: "list of string", allowed: "privileges valid on a model", summary: "Privileges on every model of `models`." },
    {
        path: "grants.<role>.models.<model>",
        type: "list of string",
        allowed: "privileges valid on a model",
        summary: "Privileges on one registered model.",
    },
    {
        path: "payloadAuditors",
        type: "list of string",
        allowed: "declared roles (not `pipeline` or `app`)",
        summary: "Roles that may read the inference payloads: USE_CATALOG, and USE_SCHEMA and SELECT on `<schema>_payloads`.",
        details:
            "The serving endpoints log every request and response (for the classifier: the patient's image) to their own schema, outside every layer, so no reader of gold reads them. " +
            "Nobody else is granted anything there, and `grants.<role>.schemas.payloads` is refused; the policy `serving-payloads-private` fails a stack whose payload tables share a schema with other data or can be read by anyone else. " +
            "See [Inference tables and the AI gateway](serving.md#inference-tables-and-the-ai-gateway).",
    },
    // --- serving --------------------------------------------------------------------------------
    {
        path: "serving.traffic.<entity>",
        type: "integer",
        range: { min: 0, max: 100 },
        summary: "Percentage of the A/B endpoint's traffic for one served entity; they add up to 100.",
        details: "It drives the one endpoint with several entities and no `traffic` of its own (the classifier). See [Shift traffic](recipes.md#shift-traffic).",
    },
    { path: "serving.scaleToZero", type: "boolean", summary: "Default scale-to-zero of every served entity (the prod stack sets false)." },
    { path: "serving.consumers", type: "list of string", allowed: `${ROLE_LIST} or \`pipeline\`, not \`app\``, summary: "Roles that get CAN_QUERY on every endpoint." },
    { path: "serving.rateLimits", type: "list of object", allowed: "`[]` (no limit) or limits", summary: "AI gateway rate limits of every endpoint." },
    { path: "serving.rateLimits[i].calls", type: "integer", range: { min: 1, max: 1_000_000 }, summary: "Calls allowed per renewal period; required." },
    { path: "serving.rateLimits[i].key", type: "string", options: RATE_LIMIT_KEYS, derived: "`endpoint`", summary: "Count per user (or service principal) or for the whole endpoint; one limit per key." },
    { path: "serving.rateLimits[i].renewalPeriod", type: "string", options: RATE_LIMIT_PERIODS, derived: "`minute`", summary: "The only period Databricks supports." },
    {
        path: "serving.rateLimits[i].tokens",
        type: "-",
        rejected: true,
        summary: "Refused: token limits apply to foundation-model and external-model endpoints only.",
    },
    { path: "serving.guardrails", type: "-", rejected: true, summary: "Refused: AI guardrails exist only on external-model and Foundation Model API endpoints." },
    { path: "serving.fallback", type: "-", rejected: true, summary: "Refused: traffic fallback exists only on external-model endpoints." },
    {
        path: "serving.endpoints.<key>",
        type: "object",
        allowed: "a lower-case key; `~` removes a default endpoint",
        summary: "One serving endpoint, merged field by field over the defaults below.",
        details: "A stack's `serving.endpoints` is laid over the default endpoints field by field (entities too), so `pulumi config set --path serving.endpoints.feedback.enabled true` keeps everything else; `~` (null) in the stack file removes a default endpoint or entity. See [Model serving](serving.md).",
    },
    { path: "serving.endpoints.<key>.name", type: "string", allowed: ENDPOINT_NAME.allowed.replace(/^an endpoint name: /, ""), derived: "`<namePrefix>-<key>`", summary: "Databricks endpoint name; renaming replaces the endpoint." },
    {
        path: "serving.endpoints.<key>.enabled",
        type: "boolean",
        derived: "true for a new key; the default endpoints ship false",
        summary: "Whether the endpoint exists; off until its model versions are registered.",
        details: "Endpoints ship off because an endpoint whose model version is not registered fails with \"Model not found\": see [First deployment](serving.md#first-deployment).",
    },
    {
        path: "serving.endpoints.<key>.entities.<entity>",
        type: "object",
        allowed: `an entity name; at most ${MAX_SERVED_ENTITIES} per endpoint`,
        summary: "A served entity: a registered model at a pinned version.",
        details: `Entity names are ${ENTITY_NAME.allowed.replace(/^a served entity name: /, "")}; routes point at them, so they survive a new version.`,
    },
    { path: "serving.endpoints.<key>.entities.<entity>.model", type: "string", allowed: "a model declared in `models`", summary: "The registered model it serves; required." },
    { path: "serving.endpoints.<key>.entities.<entity>.version", type: "integer", range: { min: 1, max: 1_000_000 }, summary: "Pinned model version; required." },
    {
        path: "serving.endpoints.<key>.entities.<entity>.workloadSize",
        type: "string",
        options: SERVING_WORKLOAD_SIZES,
        derived: fromProfile((s) => sizeProfile(s).serving.workloadSize),
        summary: "Concurrency of the entity.",
    },
    { path: "serving.endpoints.<key>.entities.<entity>.scaleToZero", type: "boolean", derived: "`serving.scaleToZero`", summary: "Scale the entity to zero when idle." },
    {
        path: "serving.endpoints.<key>.traffic.<entity>",
        type: "integer",
        range: { min: 0, max: 100 },
        derived: "`serving.traffic` (several entities) or 100 (one)",
        summary: "The endpoint's own split, one route per entity, adding up to 100.",
    },
    { path: "serving.endpoints.<key>.consumers", type: "list of string", allowed: "as `serving.consumers`", derived: "`serving.consumers`", summary: "Roles with CAN_QUERY on this endpoint." },
    { path: "serving.endpoints.<key>.rateLimits", type: "list of object", allowed: "as `serving.rateLimits`", derived: "`serving.rateLimits`", summary: "This endpoint's rate limits (items as in `serving.rateLimits`)." },
    {
        path: "serving.endpoints.<key>.inferenceTablePrefix",
        type: "string",
        allowed: "a Unity Catalog name",
        derived: "the endpoint name in snake case",
        summary: "Inference table `<prefix>_payload` in the payload schema (`<schema>_payloads`); cannot change once set.",
    },
    { path: "serving.endpoints.<key>.guardrails", type: "-", rejected: true, summary: "Refused, as `serving.guardrails`." },
    { path: "serving.endpoints.<key>.fallback", type: "-", rejected: true, summary: "Refused, as `serving.fallback`." },
    // --- pipelines ------------------------------------------------------------------------------
    { path: "pipelines.serverless", type: "boolean", summary: "Serverless compute for the pipeline and the job (else clusters sized by `computeSize`)." },
    { path: "pipelines.continuous", type: "boolean", summary: "An always-running pipeline (the job then no longer triggers it)." },
    { path: "pipelines.development", type: "auto or boolean", options: TRI_STATE, summary: "Pipeline development mode; `auto` is on outside production." },
    { path: "pipelines.mode", type: "string", options: PIPELINE_MODES, summary: "Default `mode` parameter of the full-run job." },
    {
        path: "pipelines.schedule.cron",
        type: "string",
        allowed: "a Quartz cron expression",
        summary: "When the full-run job runs.",
        details: `Allowed: ${QUARTZ_ALLOWED}. Five-field Unix expressions are refused with the reason.`,
    },
    { path: "pipelines.schedule.timezone", type: "string", allowed: "an IANA time zone id", summary: "Time zone of the cron expression." },
    { path: "pipelines.schedule.paused", type: "auto or boolean", options: TRI_STATE, summary: "Pause the schedule; `auto` pauses it outside production." },
    { path: "pipelines.notifications.onFailure", type: "list of string", allowed: "e-mail addresses", summary: "Who hears about a failed run." },
    { path: "pipelines.warehouse.serverless", type: "boolean", summary: "Serverless SQL warehouse (else Pro classic)." },
    {
        path: "pipelines.warehouse.size",
        type: "string",
        options: WAREHOUSE_SIZES,
        derived: fromProfile((s) => sizeProfile(s).warehouse.size),
        summary: "SQL warehouse size.",
    },
    {
        path: "pipelines.warehouse.autoStopMinutes",
        type: "integer",
        range: { min: 10, max: 1440 },
        summary: "Idle minutes before the warehouse stops.",
        details: "The policy pack's `warehouse-auto-stop` allows at most 60 unless its `maxMinutes` is raised in `policies/config/<stack>.json`.",
    },
    { path: "pipelines.clusterPolicy.allowedNodeTypes", type: "list of string", allowed: "Azure VM sizes (`Standard_…`)", summary: "Node types for hand-started clusters; the first is the default." },
    { path: "pipelines.clusterPolicy.maxWorkers", type: "integer", range: { min: 1, max: 100 }, summary: "Most workers a hand-started cluster may have." },
    {
        path: "pipelines.clusterPolicy.autoTerminationMinutes",
        type: "integer",
        range: { min: 10, max: 240 },
        summary: "Longest idle time before a hand-started cluster stops.",
        details: "The policy pack's `cluster-policy-auto-termination` allows at most 60 unless its `maxMinutes` is raised.",
    },
    {
        path: "pipelines.nodeType",
        type: "string",
        allowed: "one of `clusterPolicy.allowedNodeTypes`",
        derived: fromProfile((s) => sizeProfile(s).cluster.nodeType),
        summary: "Node type of the job and pipeline clusters.",
    },
    { path: "pipelines.permissions.run", type: "list of string", allowed: ROLE_LIST, summary: "May run the job and pipeline and use the warehouse and cluster policy." },
    { path: "pipelines.permissions.view", type: "list of string", allowed: ROLE_LIST, summary: "May view the job, pipeline and warehouse." },
    // --- app ------------------------------------------------------------------------------------
    {
        path: "app.enabled",
        type: "auto or boolean",
        options: APP_ENABLED,
        summary: "Deploy the app; `auto` while its endpoint is enabled.",
        details: "With `auto` the app waits, and the preview says so, while `app.endpoint` is disabled; `false` switches it off (see [Disable the app](recipes.md#disable-the-app)).",
    },
    {
        path: "app.name",
        type: "string",
        allowed: "2-30 lower-case letters, digits, dashes",
        derived: "`<namePrefix>-<stack>-app`",
        summary: "Databricks app name; renaming replaces the app.",
        details: `Allowed: ${APP_NAME.allowed}.`,
    },
    { path: "app.description", type: "string", allowed: "one line, at most 256 characters", summary: "Shown in the workspace's app list." },
    {
        path: "app.computeSize",
        type: "string",
        options: APP_COMPUTE_SIZES,
        derived: fromProfile((s) => sizeProfile(s).app.computeSize),
        summary: "Compute size of the app (lower case accepted).",
    },
    { path: "app.endpoint", type: "string", allowed: "a key of `serving.endpoints`", summary: "The serving endpoint the app scores against." },
    { path: "app.table", type: "string", allowed: "a Unity Catalog name", summary: "The gold table whose rows the app shows." },
    { path: "app.users", type: "list of string", allowed: ROLE_LIST, summary: "Roles with CAN_USE on the app." },
    { path: "app.owners", type: "list of string", allowed: ROLE_LIST, summary: "Roles with CAN_MANAGE (allow-list them as admins in the policy config)." },
    { path: "app.permissions.<role>", type: "string", options: PERMISSION_LEVELS.app, summary: "The same as `users`/`owners`, as a map." },
    // --- adopt ----------------------------------------------------------------------------------
    {
        path: "adopt.resourceGroup",
        type: "string",
        allowed: "a resource group id",
        summary: "Import this resource group instead of creating one.",
        details: `Ids: ${ARM_ID.resourceGroup.allowed}; ${ARM_ID.storageAccount.allowed}; ${ARM_ID.workspace.allowed}. All in one subscription, the storage account and workspace in the one resource group. Adopted resources are always protected. See [Adoption](adoption.md).`,
    },
    { path: "adopt.storageAccount", type: "string", allowed: "a storage account id", summary: "Import this ADLS Gen2 account (it keeps its name)." },
    { path: "adopt.workspace", type: "string", allowed: "a Databricks workspace id", summary: "Import this workspace; needs `managedResourceGroup`." },
    { path: "adopt.managedResourceGroup", type: "string", allowed: "a resource group id", summary: "The adopted workspace's managed resource group." },
    {
        path: "adopt.servingEndpoints.<key>",
        type: "string",
        allowed: `an endpoint name: ${ENDPOINT_NAME.allowed.replace(/^an endpoint name: /, "")}`,
        summary: "Import this existing endpoint as `serving.endpoints.<key>` (same name, enabled).",
    },
    // --- cost -----------------------------------------------------------------------------------
    {
        path: "cost.budget.amount",
        type: "number",
        allowed: `0, or up to ${BUDGET_LIMITS.amount}`,
        summary: "Monthly budget of the stack's resource groups, in the billing currency; 0: none.",
        details:
            "A budget becomes an Azure cost budget over the stack's resource group and the workspace's managed one (where the cluster VMs bill), starting on the first of the month of the first `pulumi up`, and, with `network.databricksAccountId`, a Databricks budget policy that tags the workspace's serverless usage. The pack's `cost-estimate-within-budget` warns when the plan's active estimate exceeds it; in production `cost-estimate-within-budget-margin` fails the preview beyond its `margin`. See [Cost](cost.md).",
    },
    {
        path: "cost.budget.thresholds",
        type: "list of integer",
        allowed: `${BUDGET_LIMITS.threshold.min}-${BUDGET_LIMITS.threshold.max} (percent); at most ${BUDGET_LIMITS.notifications} with the other list`,
        summary: "Percentages of the amount that alert once actually spent.",
    },
    {
        path: "cost.budget.forecastThresholds",
        type: "list of integer",
        allowed: `${BUDGET_LIMITS.threshold.min}-${BUDGET_LIMITS.threshold.max} (percent); at most ${BUDGET_LIMITS.notifications} with the other list`,
        summary: "Percentages of the amount that alert once forecast for the month.",
    },
    {
        path: "cost.budget.recipients",
        type: "list of string",
        allowed: `e-mail addresses (at most ${BUDGET_LIMITS.recipients})`,
        summary: "Who the alerts go to; empty: the users assigned Owner directly on the subscription.",
        details:
            "With no recipients the program creates an action group whose one receiver is the Owner role: Azure alerts only the users " +
            "assigned Owner directly on the subscription, not those who hold it through a group or PIM, and the plan and every preview " +
            "warn until a recipient is set.",
    },
    ...USAGE_FIELDS.map(
        (f): ReferenceEntry => ({
            path: `cost.usage.${f.name}`,
            type: f.default === "auto" ? "auto or number" : "number",
            allowed: `${f.default === "auto" ? "auto, or " : ""}0 to ${f.max}`,
            summary: f.summary,
        }),
    ),
    {
        path: "cost.rates.<group>.<rate>",
        type: "number",
        allowed: "0 or more, in the table's unit",
        summary: "Overrides one list price (negotiated prices, a node type the table lacks).",
        details: `Groups and their rates (\`policies/cost/list-prices.json\`): ${FLAT_GROUPS.map((g) => `\`${g}\` (${RATE_TABLE[g].unit}: ${Object.keys(RATE_TABLE[g].values).join(", ")})`).join("; ")}. \`nodeDbu\` also takes any VM size, \`servingDbu\` any workload type.`,
    },
    {
        path: "cost.rates.<group>.<region>.<rate>",
        type: "number",
        allowed: "0 or more, in the table's unit",
        summary: "Overrides one regional list price, or prices a region the table lacks.",
        details: `Regional groups: ${REGIONAL_GROUPS.map((g) => `\`${g}\` (${RATE_TABLE[g].unit}; in the table for ${Object.keys(RATE_TABLE[g].regions).join(", ")})`).join("; ")}. \`vm\` takes any VM size, e.g. \`pulumi config set --path cost.rates.vm.northeurope.Standard_D4ds_v5 0.25\`. A region or size with no rate is reported unpriced, never counted as zero.`,
    },
];

/** The entry of a path, if any. */
export function referenceEntry(path: string): ReferenceEntry | undefined {
    return CONFIG_REFERENCE.find((e) => e.path === path);
}

/** The allowed-values text of an entry: its own, or from its options or range. */
export function allowedText(entry: ReferenceEntry): string {
    if (entry.allowed !== undefined) return entry.allowed;
    if (entry.rejected) return "none (refused with the reason)";
    if (entry.options) return entry.options.join(" | ");
    if (entry.range) return `${entry.range.min}-${entry.range.max}`;
    if (entry.type === "boolean") return "true | false";
    return "";
}

/**
 * True when a concrete config path (`grants.analysts.schemas.gold`, `serving.rateLimits[0].calls`)
 * is the entry's path: `<name>` matches any one key, `[i]` any index.
 */
export function pathMatches(pattern: string, concrete: string): boolean {
    const norm = (p: string) => p.replace(/\[(\d+|i)\]/g, ".[i]").split(".");
    const a = norm(pattern);
    const b = norm(concrete);
    return a.length === b.length && a.every((seg, i) => seg === b[i] || (seg.startsWith("<") && seg.endsWith(">") && !b[i].startsWith("[")));
}

/** The entry a concrete path falls under: exactly, as a map key, or as an item of a list-valued entry (`layers[3]`). */
export function entryFor(concrete: string): ReferenceEntry | undefined {
    const found = CONFIG_REFERENCE.find((e) => pathMatches(e.path, concrete));
    if (found) return found;
    const item = /^(.*)\[\d+\]$/.exec(concrete);
    return item ? CONFIG_REFERENCE.find((e) => e.type.startsWith("list") && pathMatches(e.path, item[1])) : undefined;
}
