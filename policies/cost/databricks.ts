/**
 * The Databricks lines of the estimate: the scheduled job's cluster, the pipeline it refreshes, the
 * SQL warehouse, each served entity, the app, and the enhanced security add-on — DBUs at their
 * rates, and the VMs classic compute runs on. Pure: unit-tested through the estimate.
 */
import { quartzFiresPerMonth } from "../quartz";
import { CostLine, CostResource, Lines, Obj, Pricing, exact, list, num, obj, str } from "./lines";
import { Rate } from "./rates";

/** The types the estimate prices in Databricks units (the workspace for its add-on). */
export const DATABRICKS = {
    job: "databricks:index/job:Job",
    pipeline: "databricks:index/pipeline:Pipeline",
    warehouse: "databricks:index/sqlEndpoint:SqlEndpoint",
    serving: "databricks:index/modelServing:ModelServing",
    app: "databricks:index/app:App",
    workspace: "azure-native:databricks:Workspace",
};

/**
 * Databricks types that bill something this estimate does not model: reported unpriced if a stack
 * has them. Every other Databricks type is a control-plane object (a catalog, a grant, a policy)
 * that bills nothing; identities, random values and waits are not cloud resources at all.
 */
export const UNMODELLED: Readonly<Record<string, string>> = {
    "databricks:index/cluster:Cluster": "all-purpose cluster",
    "databricks:index/instancePool:InstancePool": "instance pool",
    "databricks:index/vectorSearchEndpoint:VectorSearchEndpoint": "vector search endpoint",
    "databricks:index/modelServingProvisionedThroughput:ModelServingProvisionedThroughput": "provisioned throughput",
    "databricks:index/onlineTable:OnlineTable": "online table",
    "databricks:index/databaseInstance:DatabaseInstance": "database instance",
    "databricks:index/mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule": "serverless private endpoint (Databricks bills its hours and data)",
};

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
export function scheduledRuns(job: CostResource, basis: Pricing): { runs: number | undefined; why: string } {
    const schedule = obj(job.inputs.schedule);
    const cron = str(schedule.quartzCronExpression);
    if (!cron) return { runs: 0, why: "no schedule" };
    if (schedule.pauseStatus === "PAUSED") return { runs: 0, why: "schedule paused" };
    if (basis.usage.jobRunsPerMonth !== "auto") return { runs: basis.usage.jobRunsPerMonth, why: `${basis.usage.jobRunsPerMonth} runs a month (usage.jobRunsPerMonth)` };
    const fires = quartzFiresPerMonth(cron);
    return fires === undefined ? { runs: undefined, why: `cron ${cron} cannot be counted` } : { runs: fires, why: `${exact(fires)} runs a month (cron ${cron})` };
}

/** Each job's scheduled runs, by URN. */
export type Runs = Map<string, { runs: number | undefined; why: string }>;

export function jobLines(job: CostResource, basis: Pricing, region: string, runs: Runs): CostLine[] {
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

export function pipelineLines(pipeline: CostResource, basis: Pricing, region: string, jobs: CostResource[], runs: Runs): CostLine[] {
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

export function warehouseLines(warehouse: CostResource, basis: Pricing, jobs: CostResource[], runs: Runs): CostLine[] {
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
        woken.push(n === 0 ? `no scheduled run of job ${job.name} (its schedule is paused or absent)` : `${exact(n)} run${n === 1 ? "" : "s"} of job ${job.name} × ${autoStop} min auto-stop`);
    }
    const perCluster = rates.flat("warehouseDbu", size);
    const dbu = perCluster?.value ?? 0;
    const quantity = { idle: wakeHours * min * dbu, active: wakeHours * min * dbu + usage.warehouseHoursPerMonth * clusters * dbu, unit: "DBU" };
    const assumption =
        `${perCluster ? `${dbu} DBU/cluster-hour (${perCluster.path})` : `size ${size}`} × (` +
        `${woken.length > 0 ? `${woken.join(" + ")} at ${min} cluster${min === 1 ? "" : "s"}` : "no scheduled queries"}` +
        `; active adds ${usage.warehouseHoursPerMonth} h (usage.warehouseHoursPerMonth) at ${exact(clusters)} cluster${clusters === 1 ? "" : "s"} (${min}-${max} at usage.autoscaleLoad ${usage.autoscaleLoad}))`;
    if (!perCluster) lines.add("dbu", `SQL ${size}`, undefined, `no DBU count for warehouse size ${size} (warehouseDbu)`, quantity, assumption);
    else lines.add("dbu", `${serverless ? "serverless" : type === "sqlClassic" ? "classic" : "pro"} SQL DBUs`, rates.flat("dbu", type), `no rate for ${type} (dbu.${type})`, quantity, assumption);
    if (!serverless) lines.unpriced("azure", "warehouse VMs", "the VMs of a pro or classic warehouse run in your subscription and are not in the rates table");
    return lines.out;
}

export function servingLines(endpoint: CostResource, basis: Pricing): CostLine[] {
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

export function appLines(app: CostResource, basis: Pricing): CostLine[] {
    const lines = new Lines(app);
    const size = str(app.inputs.computeSize) ?? "MEDIUM";
    const perHour = basis.rates.flat("appDbu", size);
    const hours = basis.rates.hoursPerMonth;
    if (!perHour) lines.unpriced("dbu", `app compute ${size}`, `no DBU count for app compute size ${size} (appDbu)`);
    else lines.add("dbu", `app compute ${size}`, basis.rates.flat("dbu", "apps"), "no rate for Databricks Apps (dbu.apps)", { idle: perHour.value * hours, active: perHour.value * hours, unit: "DBU" }, `${perHour.value} DBU/h (${perHour.path}) × ${hours} h: a deployed app runs until stopped`);
    return lines.out;
}

/** The enhanced security and compliance add-on: a share of the workspace's DBU spend. */
export function addOnLines(workspace: CostResource, basis: Pricing, dbu: { idle: number; active: number }): CostLine[] {
    const lines = new Lines(workspace);
    const esc = obj(workspace.inputs.enhancedSecurityCompliance);
    const on = ["enhancedSecurityMonitoring", "complianceSecurityProfile"].filter((k) => obj(esc[k]).value === "Enabled");
    if (on.length === 0) return [];
    const rate = basis.rates.flat("addOns", "enhancedSecurity");
    lines.add("dbu", "enhanced security and compliance add-on", rate, "no rate for the enhanced security and compliance add-on (addOns.enhancedSecurity)", { ...dbu, unit: "USD of DBUs" }, `${on.join(" and ")} on: a share of the DBU lines above`);
    return lines.out;
}
