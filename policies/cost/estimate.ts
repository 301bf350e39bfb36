/**
 * The monthly cost of a stack, from the resources it registers: every priced resource gives lines
 * of rate × quantity, in two states, Databricks units (DBU) and Azure infrastructure apart.
 *
 *  - idle: nobody uses the stack; what it bills by itself — storage, private endpoints, the NAT
 *    gateway, Log Analytics, DNS zones, serving without scale-to-zero at its least concurrency, a
 *    running app, and whatever runs unattended (scheduled job runs and the pipeline updates and
 *    warehouse wake-ups they cause, a continuous pipeline).
 *  - active: idle plus the expected use — the warehouse's hours, serving at its workload size's
 *    top concurrency for its hours, private endpoint and NAT traffic.
 *
 * Every line carries its rate (value, unit, table path, source), its quantity per state and the
 * assumption behind the quantity, so any figure can be traced. A resource whose rate is missing
 * (a node type or region the table lacks, a type nobody priced) is a line marked `unpriced`, never
 * a silent zero. The plan prints this, `--diff-set` compares it, and the budget rules of the pack
 * recompute it from the resources they see. Pure: unit-tested.
 */
import { quartzFiresPerMonth } from "../quartz";
import { CostBasis } from "./basis";
import { Rate, RateSource, Rates } from "./rates";

/** What the estimate reads of a planned resource (a plan resource fits; the pack adapts its own). */
export interface CostResource {
    urn: string;
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** URNs of the resources it depends on (a job → its warehouse and pipeline). */
    dependencies: readonly string[];
}

/** Databricks units or Azure infrastructure. */
export type CostKind = "dbu" | "azure";

export interface CostLine {
    urn: string;
    /** The resource's logical name. */
    resource: string;
    type: string;
    /** What is priced: `jobs compute DBUs`, `VMs Standard_D4ds_v5`, `hours`. */
    item: string;
    kind: CostKind;
    /** Monthly cost in each state, rounded to cents (0 when unpriced). */
    idle: number;
    active: number;
    /** The rate; absent when unpriced. */
    rate?: Rate;
    /** The quantity the rate multiplies, per state. */
    quantity: { idle: number; active: number; unit: string };
    /** How the quantity was reached, in words, naming the usage assumptions it took. */
    assumption: string;
    /** Why this line has no price (`no rate for Standard_X in northeurope (vm)`). */
    unpriced?: string;
}

export interface CostSums {
    dbu: number;
    azure: number;
    total: number;
}

/** The two totals of an estimate, and how many lines are unpriced (each total is then a lower bound). */
export interface CostTotals {
    idle: CostSums;
    active: CostSums;
    unpriced: number;
}

export interface CostEstimate {
    currency: string;
    /** The region the Azure lines are priced in (the workspace's). */
    region: string;
    hoursPerMonth: number;
    totals: CostTotals;
    lines: CostLine[];
    /** Each list-price source the lines name: its url, the date it was read, and how. */
    sources: Record<string, RateSource>;
    /** One sentence per unpriced line: the plan prints them as warnings. */
    warnings: string[];
}

const T = {
    job: "databricks:index/job:Job",
    pipeline: "databricks:index/pipeline:Pipeline",
    warehouse: "databricks:index/sqlEndpoint:SqlEndpoint",
    serving: "databricks:index/modelServing:ModelServing",
    app: "databricks:index/app:App",
    workspace: "azure-native:databricks:Workspace",
    storage: "azure-native:storage:StorageAccount",
    privateEndpoint: "azure-native:network:PrivateEndpoint",
    nat: "azure-native:network:NatGateway",
    publicIp: "azure-native:network:PublicIPAddress",
    logAnalytics: "azure-native:operationalinsights:Workspace",
    dnsZone: "azure-native:privatedns:PrivateZone",
    key: "azure-native:keyvault:Key",
    resourceGroup: "azure-native:resources:ResourceGroup",
};

/**
 * Types that bill nothing by themselves, and why (their cost shows up elsewhere or nowhere). Any
 * other cloud type is reported unpriced, so a resource added to the program cannot go unnoticed.
 */
export const NO_CHARGE: Readonly<Record<string, string>> = {
    "azure-native:resources:ResourceGroup": "a container",
    "azure-native:network:VirtualNetwork": "Azure charges nothing for a virtual network",
    "azure-native:network:Subnet": "part of the virtual network",
    "azure-native:network:NetworkSecurityGroup": "Azure charges nothing for network security groups",
    "azure-native:network:PrivateDnsZoneGroup": "a link between an endpoint and its zones",
    "azure-native:network:NetworkSecurityPerimeter": "Azure lists no charge for a network security perimeter (preview; not cross-checked)",
    "azure-native:network:NetworkSecurityPerimeterProfile": "part of the perimeter",
    "azure-native:network:NetworkSecurityPerimeterAccessRule": "part of the perimeter",
    "azure-native:network:NetworkSecurityPerimeterAssociation": "part of the perimeter",
    "azure-native:privatedns:VirtualNetworkLink": "the zone is priced, not its links (registration off)",
    "azure-native:storage:BlobContainer": "priced with the account's stored data",
    "azure-native:storage:BlobServiceProperties": "settings of the account",
    "azure-native:storage:PrivateEndpointConnection": "an approval on the account",
    "azure-native:databricks:AccessConnector": "Azure charges nothing for an access connector",
    "azure-native:authorization:RoleAssignment": "an authorization",
    "azure-native:monitor:DiagnosticSetting": "priced as Log Analytics ingestion",
    "azure-native:keyvault:Vault": "the keys and operations are priced, not the vault",
    "azure-native:consumption:Budget": "Azure charges nothing for budgets",
    "azure-native:monitor:ActionGroup": "Azure charges nothing for an action group; its first 1,000 e-mails a month are free",
    "azure-native:databricks:Workspace": "no charge for the workspace itself; its compute is priced where it runs",
};

/**
 * Databricks types that bill something this estimate does not model: reported unpriced if a stack
 * has them. Every other Databricks type is a control-plane object (a catalog, a grant, a policy)
 * that bills nothing; identities, random values and waits are not cloud resources at all.
 */
const UNMODELLED: Readonly<Record<string, string>> = {
    "databricks:index/cluster:Cluster": "all-purpose cluster",
    "databricks:index/instancePool:InstancePool": "instance pool",
    "databricks:index/vectorSearchEndpoint:VectorSearchEndpoint": "vector search endpoint",
    "databricks:index/modelServingProvisionedThroughput:ModelServingProvisionedThroughput": "provisioned throughput",
    "databricks:index/onlineTable:OnlineTable": "online table",
    "databricks:index/databaseInstance:DatabaseInstance": "database instance",
    "databricks:index/mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule": "serverless private endpoint (Databricks bills its hours and data)",
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const cents = (n: number) => Math.round(n * 100) / 100;
/** Quantities are shown as computed, without float noise. */
const exact = (n: number) => Math.round(n * 1e6) / 1e6;

/** What the line builders price with: the usage and the rates as lookups. */
interface Pricing {
    usage: CostBasis["usage"];
    rates: Rates;
}

/** The builder of one resource's lines. */
class Lines {
    readonly out: CostLine[] = [];
    constructor(private readonly r: CostResource) {}

    /** A priced line (or an unpriced one when `rate` is undefined and `missing` says which rate). */
    add(kind: CostKind, item: string, rate: Rate | undefined, missing: string, quantity: { idle: number; active: number; unit: string }, assumption: string): void {
        const q = { idle: exact(quantity.idle), active: exact(quantity.active), unit: quantity.unit };
        this.out.push({
            urn: this.r.urn,
            resource: this.r.name,
            type: this.r.type,
            item,
            kind,
            idle: rate ? cents(rate.value * q.idle) : 0,
            active: rate ? cents(rate.value * q.active) : 0,
            ...(rate ? { rate } : { unpriced: missing }),
            quantity: q,
            assumption,
        });
    }

    /** A line that cannot be priced at all (no quantity either). */
    unpriced(kind: CostKind, item: string, why: string): void {
        this.out.push({ urn: this.r.urn, resource: this.r.name, type: this.r.type, item, kind, idle: 0, active: 0, quantity: { idle: 0, active: 0, unit: "-" }, assumption: "-", unpriced: why });
    }
}

interface Cluster {
    nodeType?: string;
    /** Driver plus workers at the assumed load. */
    nodes: number;
    /** How the node count was reached. */
    how: string;
}

/** Workers at the assumed load between an autoscale range's ends (fixed size: its count). */
function clusterOf(c: Obj, load: number): Cluster {
    const autoscale = obj(c.autoscale);
    const min = num(autoscale.minWorkers);
    const max = num(autoscale.maxWorkers);
    if (min !== undefined && max !== undefined) {
        const workers = min + load * (max - min);
        return { nodeType: str(c.nodeTypeId), nodes: 1 + workers, how: `1 driver + ${exact(workers)} workers (autoscale ${min}-${max} at usage.autoscaleLoad ${load})` };
    }
    const workers = num(c.numWorkers) ?? 0;
    return { nodeType: str(c.nodeTypeId), nodes: 1 + workers, how: `1 driver + ${workers} workers` };
}

/** DBU and VM lines of a classic cluster running `hours` (per state) a month. */
function classicCompute(lines: Lines, basis: Pricing, region: string, cluster: Cluster, dbuRate: Rate | undefined, dbuMissing: string, hours: { idle: number; active: number }, why: string): void {
    const { rates } = basis;
    const nodeType = cluster.nodeType ?? "(none)";
    const nodeDbu = rates.flat("nodeDbu", nodeType);
    const nodeHours = { idle: cluster.nodes * hours.idle, active: cluster.nodes * hours.active };
    if (nodeDbu === undefined) {
        lines.add("dbu", `DBUs (${nodeType})`, undefined, `no DBU count for node type ${nodeType} (nodeDbu)`, { ...nodeHours, unit: "node-hours" }, `${cluster.how} × ${why}`);
    } else {
        lines.add(
            "dbu",
            `DBUs (${nodeType})`,
            dbuRate,
            dbuMissing,
            { idle: nodeHours.idle * nodeDbu.value, active: nodeHours.active * nodeDbu.value, unit: "DBU" },
            `${cluster.how} × ${nodeDbu.value} DBU/node-hour (${nodeDbu.path}) × ${why}`,
        );
    }
    const vm = rates.regional("vm", region, nodeType);
    lines.add("azure", `VMs ${nodeType}`, vm, `no rate for ${nodeType} in ${region} (vm)`, { ...nodeHours, unit: "node-hours" }, `${cluster.how} × ${why}`);
}

/** How often a job's schedule runs it a month: 0 when paused or unscheduled, undefined when its cron cannot be counted. */
function scheduledRuns(job: CostResource, basis: Pricing): { runs: number | undefined; why: string } {
    const schedule = obj(job.inputs.schedule);
    const cron = str(schedule.quartzCronExpression);
    if (!cron) return { runs: 0, why: "no schedule" };
    if (schedule.pauseStatus === "PAUSED") return { runs: 0, why: "schedule paused" };
    if (basis.usage.jobRunsPerMonth !== "auto") return { runs: basis.usage.jobRunsPerMonth, why: `${basis.usage.jobRunsPerMonth} runs a month (usage.jobRunsPerMonth)` };
    const fires = quartzFiresPerMonth(cron);
    return fires === undefined ? { runs: undefined, why: `cron ${cron} cannot be counted` } : { runs: fires, why: `${exact(fires)} runs a month (cron ${cron})` };
}

/** Each job's scheduled runs, by URN. */
type Runs = Map<string, { runs: number | undefined; why: string }>;

function jobLines(job: CostResource, basis: Pricing, region: string, runs: Runs): CostLine[] {
    const lines = new Lines(job);
    const { runs: n, why } = runs.get(job.urn)!;
    const clusters = list(job.inputs.jobClusters).map((jc) => obj(jc.newCluster));
    if (n === undefined) {
        lines.unpriced("dbu", "scheduled runs", `${why}: set usage.jobRunsPerMonth`);
        return lines.out;
    }
    const hours = n * basis.usage.jobRunHours;
    for (const c of clusters) {
        if (c.runtimeEngine === "PHOTON") {
            lines.unpriced("dbu", `DBUs (${str(c.nodeTypeId)}, Photon)`, "no Photon DBU multiplier in the rates table");
            continue;
        }
        classicCompute(lines, basis, region, clusterOf(c, basis.usage.autoscaleLoad), basis.rates.flat("dbu", "jobsCompute"), "no rate for jobs compute (dbu.jobsCompute)", { idle: hours, active: hours }, `${why} × ${basis.usage.jobRunHours} h (usage.jobRunHours)`);
    }
    if (clusters.length === 0 && n > 0) lines.unpriced("dbu", "serverless job compute", "serverless job DBUs depend on the workload: not estimated");
    return lines.out;
}

/** Pipeline updates a month: from the scheduled runs of the jobs that refresh it. */
function pipelineUpdates(pipeline: CostResource, jobs: CostResource[], runs: Runs): { updates: number | undefined; why: string } {
    let updates = 0;
    const why: string[] = [];
    for (const job of jobs) {
        if (!job.dependencies.includes(pipeline.urn) || !list(job.inputs.tasks).some((t) => t.pipelineTask !== undefined)) continue;
        const { runs: n, why: how } = runs.get(job.urn)!;
        if (n === undefined) return { updates: undefined, why: `job ${job.name}: ${how}` };
        updates += n;
        why.push(`one update per run of job ${job.name} (${how})`);
    }
    return { updates, why: why.length > 0 ? why.join(" + ") : "no job refreshes it" };
}

const DLT_EDITIONS: Record<string, string> = { CORE: "dltCore", PRO: "dltPro", ADVANCED: "dltAdvanced" };

function pipelineLines(pipeline: CostResource, basis: Pricing, region: string, jobs: CostResource[], runs: Runs): CostLine[] {
    const lines = new Lines(pipeline);
    const { usage, rates } = basis;
    if (pipeline.inputs.serverless === true) {
        lines.unpriced("dbu", "serverless pipeline compute", "serverless pipeline DBUs depend on the workload: not estimated");
        return lines.out;
    }
    let hours: number;
    let why: string;
    if (pipeline.inputs.continuous === true) {
        hours = rates.hoursPerMonth;
        why = `continuous: ${hours} h a month`;
    } else {
        const { updates, why: how } = pipelineUpdates(pipeline, jobs, runs);
        if (updates === undefined) {
            lines.unpriced("dbu", "pipeline updates", `${how}: set usage.jobRunsPerMonth`);
            return lines.out;
        }
        const delay = pipeline.inputs.development === true ? rates.flat("facts", "developmentShutdownDelayHours") : undefined;
        const perUpdate = usage.pipelineUpdateHours + (delay?.value ?? 0);
        hours = updates * perUpdate;
        why = `${how} × ${perUpdate} h (usage.pipelineUpdateHours${delay ? ` + ${delay.value} h development-mode cluster reuse, ${delay.path}` : ""})`;
    }
    const edition = DLT_EDITIONS[String(pipeline.inputs.edition ?? "ADVANCED").toUpperCase()];
    const dbuRate = edition ? rates.flat("dbu", edition) : undefined;
    for (const c of list(pipeline.inputs.clusters)) {
        classicCompute(lines, basis, region, clusterOf(c, usage.autoscaleLoad), dbuRate, `no rate for pipeline edition ${String(pipeline.inputs.edition)}`, { idle: hours, active: hours }, why);
    }
    return lines.out;
}

function warehouseLines(warehouse: CostResource, basis: Pricing, jobs: CostResource[], runs: Runs): CostLine[] {
    const lines = new Lines(warehouse);
    const { usage, rates } = basis;
    const i = warehouse.inputs;
    const size = str(i.clusterSize) ?? "(unset)";
    const serverless = i.enableServerlessCompute === true;
    const type = serverless ? "sqlServerless" : String(i.warehouseType ?? "PRO").toUpperCase() === "CLASSIC" ? "sqlClassic" : "sqlPro";
    const min = num(i.minNumClusters) ?? 1;
    const max = num(i.maxNumClusters) ?? min;
    const clusters = min + usage.autoscaleLoad * (max - min);
    const autoStop = num(i.autoStopMins) ?? 0;
    // Each scheduled run that queries the warehouse wakes it: the query, then auto-stop minutes of waiting.
    let wakeHours = 0;
    const woken: string[] = [];
    for (const job of jobs) {
        if (!job.dependencies.includes(warehouse.urn) || !list(job.inputs.tasks).some((t) => t.sqlTask !== undefined)) continue;
        const n = runs.get(job.urn)!.runs ?? 0;
        wakeHours += (n * autoStop) / 60;
        woken.push(`${exact(n)} runs of job ${job.name} × ${autoStop} min auto-stop`);
    }
    const perCluster = rates.flat("warehouseDbu", size);
    const dbu = perCluster?.value ?? 0;
    const quantity = { idle: wakeHours * min * dbu, active: wakeHours * min * dbu + usage.warehouseHoursPerMonth * clusters * dbu, unit: "DBU" };
    const assumption =
        `${perCluster ? `${dbu} DBU/cluster-hour (${perCluster.path})` : `size ${size}`} × (` +
        `${woken.length > 0 ? `${woken.join(" + ")} at ${min} cluster${min === 1 ? "" : "s"}` : "no scheduled queries"}` +
        `; active adds ${usage.warehouseHoursPerMonth} h (usage.warehouseHoursPerMonth) at ${exact(clusters)} clusters (${min}-${max} at usage.autoscaleLoad ${usage.autoscaleLoad}))`;
    if (!perCluster) lines.add("dbu", `SQL ${size}`, undefined, `no DBU count for warehouse size ${size} (warehouseDbu)`, quantity, assumption);
    else lines.add("dbu", `${serverless ? "serverless" : type === "sqlClassic" ? "classic" : "pro"} SQL DBUs`, rates.flat("dbu", type), `no rate for ${type} (dbu.${type})`, quantity, assumption);
    if (!serverless) lines.unpriced("azure", "warehouse VMs", "the VMs of a pro or classic warehouse run in your subscription and are not in the rates table");
    return lines.out;
}

function servingLines(endpoint: CostResource, basis: Pricing): CostLine[] {
    const lines = new Lines(endpoint);
    const { usage, rates } = basis;
    const hours = rates.hoursPerMonth;
    const busy = Math.min(usage.servingHoursPerMonth, hours);
    for (const e of list(obj(endpoint.inputs.config).servedEntities)) {
        const name = str(e.name) ?? "(unnamed)";
        const size = str(e.workloadSize) ?? "Small";
        const workload = str(e.workloadType) ?? "CPU";
        const low = rates.flat("servingConcurrency", `${size}Min`);
        const high = rates.flat("servingConcurrency", `${size}Max`);
        const perConcurrency = rates.flat("servingDbu", workload);
        if (!low || !high || !perConcurrency) {
            lines.unpriced("dbu", `entity ${name}`, `no ${!perConcurrency ? `DBU rate for workload type ${workload} (servingDbu)` : `concurrency for workload size ${size} (servingConcurrency)`}`);
            continue;
        }
        const scaleToZero = e.scaleToZeroEnabled === true;
        // Provisioned concurrency is billed per entity whatever share of the traffic it gets.
        const resting = scaleToZero ? 0 : low.value;
        const idle = resting * hours;
        const active = resting * (hours - busy) + high.value * busy;
        lines.add(
            "dbu",
            `entity ${name} (${workload} ${size})`,
            rates.flat("dbu", "modelServing"),
            "no rate for model serving (dbu.modelServing)",
            { idle: idle * perConcurrency.value, active: active * perConcurrency.value, unit: "DBU" },
            `${perConcurrency.value} DBU/concurrency-hour (${perConcurrency.path}) × ${scaleToZero ? "scale-to-zero: 0 at rest" : `${resting} concurrency at rest × ${hours} h`}; active: ${high.value} concurrency for ${busy} h (usage.servingHoursPerMonth)${scaleToZero ? "" : ` + ${resting} for the other ${hours - busy} h`}; traffic share does not change it`,
        );
    }
    return lines.out;
}

function appLines(app: CostResource, basis: Pricing): CostLine[] {
    const lines = new Lines(app);
    const size = str(app.inputs.computeSize) ?? "MEDIUM";
    const perHour = basis.rates.flat("appDbu", size);
    const hours = basis.rates.hoursPerMonth;
    if (!perHour) lines.unpriced("dbu", `app compute ${size}`, `no DBU count for app compute size ${size} (appDbu)`);
    else lines.add("dbu", `app compute ${size}`, basis.rates.flat("dbu", "apps"), "no rate for Databricks Apps (dbu.apps)", { idle: perHour.value * hours, active: perHour.value * hours, unit: "DBU" }, `${perHour.value} DBU/h (${perHour.path}) × ${hours} h: a deployed app runs until stopped`);
    return lines.out;
}

/** Lines of the Azure resources priced by the hour, the month, the GB or the GB-month. */
function azureLines(r: CostResource, basis: Pricing, region: string): CostLine[] {
    const lines = new Lines(r);
    const { usage, rates } = basis;
    const hours = rates.hoursPerMonth;
    const always = (n: number) => ({ idle: n, active: n });
    const where = str(r.inputs.location) ?? region;
    switch (r.type) {
        case T.storage: {
            const sku = str(obj(r.inputs.sku).name) ?? "(unset)";
            const tier = str(r.inputs.accessTier) ?? "Hot";
            if (tier !== "Hot") lines.unpriced("azure", `stored data (${sku}, ${tier})`, `only the hot tier is in the rates table, not ${tier}`);
            else lines.add("azure", `stored data (${sku}, hot)`, rates.regional("storage", where, sku), `no rate for ${sku} in ${where} (storage)`, { ...always(usage.storedGB), unit: "GB-months" }, `${usage.storedGB} GB stored (usage.storedGB); transactions not counted`);
            break;
        }
        case T.privateEndpoint:
            lines.add("azure", "endpoint hours", rates.flat("network", "privateEndpointHour"), "no rate for private endpoints (network.privateEndpointHour)", { ...always(hours), unit: "hours" }, `${hours} h a month`);
            lines.add("azure", "data processed", rates.flat("network", "privateEndpointGB"), "no rate for private endpoint data (network.privateEndpointGB)", { idle: 0, active: 2 * usage.privateEndpointGBPerMonth, unit: "GB" }, `${usage.privateEndpointGBPerMonth} GB a month (usage.privateEndpointGBPerMonth), charged inbound and outbound`);
            break;
        case T.nat:
            lines.add("azure", "gateway hours", rates.flat("nat", "gatewayHour"), "no rate for NAT gateways (nat.gatewayHour)", { ...always(hours), unit: "hours" }, `${hours} h a month`);
            lines.add("azure", "data processed", rates.flat("nat", "gatewayGB"), "no rate for NAT data (nat.gatewayGB)", { idle: 0, active: usage.natGatewayGBPerMonth, unit: "GB" }, `${usage.natGatewayGBPerMonth} GB a month (usage.natGatewayGBPerMonth)`);
            break;
        case T.publicIp:
            lines.add("azure", "static IPv4 hours", rates.flat("publicIp", "standardStaticHour"), "no rate for public IPs (publicIp.standardStaticHour)", { ...always(hours), unit: "hours" }, `${hours} h a month`);
            break;
        case T.logAnalytics: {
            const days = hours / 24;
            const gb = usage.logAnalyticsGBPerDay * days;
            lines.add("azure", "ingestion", rates.regional("logAnalytics", where, "ingestion"), `no rate for Log Analytics in ${where} (logAnalytics)`, { ...always(gb), unit: "GB" }, `${usage.logAnalyticsGBPerDay} GB a day (usage.logAnalyticsGBPerDay) × ${exact(days)} days`);
            const retained = Math.max(0, (num(r.inputs.retentionInDays) ?? 31) - 31);
            if (retained > 0) {
                lines.add("azure", "retention beyond 31 days", rates.regional("logAnalytics", where, "retention"), `no rate for Log Analytics retention in ${where} (logAnalytics)`, { ...always(usage.logAnalyticsGBPerDay * retained), unit: "GB-months" }, `${usage.logAnalyticsGBPerDay} GB a day kept ${retained} days past the 31 included`);
            }
            break;
        }
        case T.dnsZone:
            lines.add("azure", "hosted zone", rates.flat("dns", "privateZoneMonth"), "no rate for private DNS zones (dns.privateZoneMonth)", { ...always(1), unit: "zone-months" }, "one zone; queries not counted");
            break;
        case T.key: {
            const kty = str(obj(r.inputs.properties).kty) ?? "";
            if (kty.endsWith("-HSM")) lines.add("azure", "HSM key", rates.flat("keyVault", "hsmKeyMonth"), "no rate for HSM keys (keyVault.hsmKeyMonth)", { ...always(1), unit: "key-months" }, "one key; operations not counted");
            break;
        }
        default:
            if (!NO_CHARGE[r.type]) lines.unpriced("azure", "resource", `no rate for ${r.type}`);
    }
    return lines.out;
}

/** The enhanced security and compliance add-on: a share of the workspace's DBU spend. */
function addOnLines(workspace: CostResource, basis: Pricing, dbu: { idle: number; active: number }): CostLine[] {
    const lines = new Lines(workspace);
    const esc = obj(workspace.inputs.enhancedSecurityCompliance);
    const on = ["enhancedSecurityMonitoring", "complianceSecurityProfile"].filter((k) => obj(esc[k]).value === "Enabled");
    if (on.length === 0) return [];
    const rate = basis.rates.flat("addOns", "enhancedSecurity");
    lines.add("dbu", "enhanced security and compliance add-on", rate, "no rate for the enhanced security and compliance add-on (addOns.enhancedSecurity)", { ...dbu, unit: "USD of DBUs" }, `${on.join(" and ")} on: a share of the DBU lines above`);
    return lines.out;
}

function sums(lines: readonly CostLine[], state: "idle" | "active"): CostSums {
    const of = (kind: CostKind) => cents(lines.filter((l) => l.kind === kind).reduce((n, l) => n + l[state], 0));
    const dbu = of("dbu");
    const azure = of("azure");
    return { dbu, azure, total: cents(dbu + azure) };
}

/** The region Azure lines are priced in: the workspace's location, else the resource group's. */
function stackRegion(resources: readonly CostResource[]): string {
    const located = [T.workspace, T.resourceGroup].map((t) => resources.find((r) => r.type === t)).find((r) => typeof r?.inputs.location === "string");
    return str(located?.inputs.location) ?? "(unknown)";
}

/** The estimate of a stack's registered resources under a basis (usage and rates). */
export function estimateCost(resources: readonly CostResource[], given: CostBasis): CostEstimate {
    const basis: Pricing = { usage: given.usage, rates: new Rates(given.rates) };
    const region = stackRegion(resources);
    const jobs = resources.filter((r) => r.type === T.job);
    const runs: Runs = new Map(jobs.map((j) => [j.urn, scheduledRuns(j, basis)]));
    const lines: CostLine[] = [];
    for (const r of resources) {
        if (r.type === T.job) lines.push(...jobLines(r, basis, region, runs));
        else if (r.type === T.pipeline) lines.push(...pipelineLines(r, basis, region, jobs, runs));
        else if (r.type === T.warehouse) lines.push(...warehouseLines(r, basis, jobs, runs));
        else if (r.type === T.serving) lines.push(...servingLines(r, basis));
        else if (r.type === T.app) lines.push(...appLines(r, basis));
        else if (UNMODELLED[r.type]) {
            const unmodelled = new Lines(r);
            unmodelled.unpriced("dbu", UNMODELLED[r.type], `${r.type} is not in the estimate's model`);
            lines.push(...unmodelled.out);
        } else if (r.type.startsWith("azure-native:")) lines.push(...azureLines(r, basis, region));
    }
    const dbu = { idle: sums(lines, "idle").dbu, active: sums(lines, "active").dbu };
    for (const w of resources.filter((r) => r.type === T.workspace)) lines.push(...addOnLines(w, basis, dbu));
    const unpriced = lines.filter((l) => l.unpriced);
    return {
        currency: basis.rates.currency,
        region,
        hoursPerMonth: basis.rates.hoursPerMonth,
        totals: { idle: sums(lines, "idle"), active: sums(lines, "active"), unpriced: unpriced.length },
        lines,
        sources: Object.fromEntries(lines.flatMap((l) => (l.rate && basis.rates.table.sources[l.rate.source] ? [[l.rate.source, basis.rates.table.sources[l.rate.source]]] : []))),
        warnings: unpriced.map((l) => `unpriced: ${l.resource} ${l.item}: ${l.unpriced}`),
    };
}
