/**
 * The usage the cost estimate assumes, with stated defaults, and the basis it prices with (usage
 * plus rates): read from `lakehouse:cost` by the stack config and from the budget rules' own
 * config by the policy pack, with the same checks. Pure: unit-tested.
 */
import { Fail, RateOverrides, nonNegative, parseRateOverrides } from "./rates";

/** One usage assumption: its default, its bound and what it means (the configuration reference shows these). */
export interface UsageField {
    name: keyof Usage;
    default: number | "auto";
    max: number;
    /** What it measures, one short line. */
    summary: string;
}

export interface Usage {
    /** Data kept in the lakehouse storage account (GB). */
    storedGB: number;
    /** Log Analytics ingestion (GB per day) of the stack's diagnostic settings. */
    logAnalyticsGBPerDay: number;
    /** Hours a month the SQL warehouse runs for people (its auto-stop tail included). */
    warehouseHoursPerMonth: number;
    /** Hours a month the serving endpoints serve at their workload size's top concurrency. */
    servingHoursPerMonth: number;
    /** Hours one run of a scheduled job keeps its job cluster up. */
    jobRunHours: number;
    /** Hours one pipeline update keeps the pipeline's cluster up. */
    pipelineUpdateHours: number;
    /** Runs a month of each scheduled job; `auto` counts its cron. */
    jobRunsPerMonth: number | "auto";
    /** Data processed by each private endpoint a month (GB). */
    privateEndpointGBPerMonth: number;
    /** Data processed by the NAT gateway a month (GB). */
    natGatewayGBPerMonth: number;
    /** Where autoscaled compute runs between its minimum (0) and maximum (1) workers or clusters. */
    autoscaleLoad: number;
}

export const USAGE_FIELDS: readonly UsageField[] = [
    { name: "storedGB", default: 500, max: 10_000_000, summary: "Data kept in the lakehouse storage account, in GB." },
    { name: "logAnalyticsGBPerDay", default: 1, max: 100_000, summary: "GB a day the diagnostic settings send to Log Analytics." },
    { name: "warehouseHoursPerMonth", default: 88, max: 744, summary: "Hours a month people keep the SQL warehouse running (4 h on 22 working days)." },
    { name: "servingHoursPerMonth", default: 176, max: 744, summary: "Hours a month the endpoints serve at full concurrency (8 h on 22 working days)." },
    { name: "jobRunHours", default: 1, max: 744, summary: "Hours one run of a scheduled job keeps its job cluster up." },
    { name: "pipelineUpdateHours", default: 0.5, max: 744, summary: "Hours one pipeline update keeps the pipeline's cluster up." },
    { name: "jobRunsPerMonth", default: "auto", max: 100_000, summary: "Runs a month of each scheduled job; auto counts its cron expression." },
    { name: "privateEndpointGBPerMonth", default: 100, max: 10_000_000, summary: "GB a month each private endpoint processes." },
    { name: "natGatewayGBPerMonth", default: 50, max: 10_000_000, summary: "GB a month the NAT gateway processes (cluster egress)." },
    { name: "autoscaleLoad", default: 0.5, max: 1, summary: "Autoscaled compute between its least (0) and most (1) workers or clusters." },
];

/** The defaults, as `Pulumi.yaml` declares them under `lakehouse:cost.usage` (a test keeps them equal). */
export const USAGE_DEFAULTS = Object.fromEntries(USAGE_FIELDS.map((f) => [f.name, f.default])) as unknown as Usage;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads `lakehouse:cost.usage` (or a policy's `usage`): known fields, numbers in range, defaults for the rest. */
export function parseUsage(raw: unknown, key: string, fail: Fail): Usage {
    const usage = { ...USAGE_DEFAULTS };
    if (raw === undefined || raw === null) return usage;
    if (!isObject(raw)) {
        fail(key, raw, "an object of usage assumptions");
        return usage;
    }
    for (const [name, value] of Object.entries(raw)) {
        const field = USAGE_FIELDS.find((f) => f.name === name);
        if (!field) {
            fail(`${key}.${name}`, value, `a known field: ${USAGE_FIELDS.map((f) => f.name).join(", ")}`);
            continue;
        }
        if (value === undefined || value === null) continue;
        if (field.default === "auto" && value === "auto") {
            (usage as unknown as Record<string, unknown>)[name] = "auto";
            continue;
        }
        const n = nonNegative(`${key}.${name}`, value, field.max, (k, v, allowed) => fail(k, v, field.default === "auto" ? `auto, or ${allowed}` : allowed));
        if (n !== undefined) (usage as unknown as Record<string, unknown>)[name] = n;
    }
    return usage;
}

/** What an estimate prices with: the usage assumed and the rates a stack sets over the table. Plain data. */
export interface CostBasis {
    usage: Usage;
    rates: RateOverrides;
}

/** The basis from raw `{ usage, rates }` (a stack's `lakehouse:cost` or a policy's config), checked under `key`. */
export function costBasis(raw: { usage?: unknown; rates?: unknown }, key: string, fail: Fail): CostBasis {
    return { usage: parseUsage(raw.usage, `${key}.usage`, fail), rates: parseRateOverrides(raw.rates, `${key}.rates`, fail) };
}
