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
import { CostBasis } from "./basis";
import { azureLines } from "./azure";
import { DATABRICKS, Runs, UNMODELLED, addOnLines, appLines, jobLines, pipelineLines, scheduledRuns, servingLines, warehouseLines } from "./databricks";
import { CostKind, CostLine, CostResource, Lines, Pricing, cents, str } from "./lines";
import { RateSource, Rates } from "./rates";

export type { CostKind, CostLine, CostResource } from "./lines";

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

function sums(lines: readonly CostLine[], state: "idle" | "active"): CostSums {
    const of = (kind: CostKind) => cents(lines.filter((l) => l.kind === kind).reduce((n, l) => n + l[state], 0));
    const dbu = of("dbu");
    const azure = of("azure");
    return { dbu, azure, total: cents(dbu + azure) };
}

/** The region Azure lines are priced in: the workspace's location, else the resource group's. */
function stackRegion(resources: readonly CostResource[]): string {
    const located = [DATABRICKS.workspace, "azure-native:resources:ResourceGroup"].map((t) => resources.find((r) => r.type === t)).find((r) => typeof r?.inputs.location === "string");
    return str(located?.inputs.location) ?? "(unknown)";
}

/** The estimate of a stack's registered resources under a basis (usage and rates). */
export function estimateCost(resources: readonly CostResource[], given: CostBasis): CostEstimate {
    const basis: Pricing = { usage: given.usage, rates: new Rates(given.rates) };
    const region = stackRegion(resources);
    const jobs = resources.filter((r) => r.type === DATABRICKS.job);
    const runs: Runs = new Map(jobs.map((j) => [j.urn, scheduledRuns(j, basis)]));
    const lines: CostLine[] = [];
    for (const r of resources) {
        if (r.type === DATABRICKS.job) lines.push(...jobLines(r, basis, region, runs));
        else if (r.type === DATABRICKS.pipeline) lines.push(...pipelineLines(r, basis, region, jobs, runs));
        else if (r.type === DATABRICKS.warehouse) lines.push(...warehouseLines(r, basis, jobs, runs));
        else if (r.type === DATABRICKS.serving) lines.push(...servingLines(r, basis));
        else if (r.type === DATABRICKS.app) lines.push(...appLines(r, basis));
        else if (UNMODELLED[r.type]) {
            const unmodelled = new Lines(r);
            unmodelled.unpriced("dbu", UNMODELLED[r.type], `${r.type} is not in the estimate's model`);
            lines.push(...unmodelled.out);
        } else if (r.type.startsWith("azure-native:")) lines.push(...azureLines(r, basis, region));
    }
    const dbu = { idle: sums(lines, "idle").dbu, active: sums(lines, "active").dbu };
    for (const w of resources.filter((r) => r.type === DATABRICKS.workspace)) lines.push(...addOnLines(w, basis, dbu));
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
