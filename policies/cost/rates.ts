/**
 * The rates the cost estimate prices with: `list-prices.json` (list prices, each group with its source and
 * the date it was read), laid under a stack's overrides (`lakehouse:cost.rates`, for negotiated
 * prices and regions the table lacks). A missing or `null` rate is reported by the estimate as
 * unpriced, never taken as zero. Pure: no Pulumi imports, unit-tested.
 */
import * as fs from "fs";
import * as path from "path";

/** Records a rejected value: the full key, the value, what is allowed (the config Checker's `fail`). */
export type Fail = (key: string, value: unknown, allowed: string) => void;

/** Where a group of rates comes from. */
export interface RateSource {
    title: string;
    url: string;
    /** When the figures were read (the published list relied on). */
    read: string;
    /** How they were read: list price, cross-checked or not, fetched live or not. */
    status: string;
}

interface FlatGroup {
    unit: string;
    /** Units of the keys priced otherwise than the group's `unit` (per GB beside per hour). */
    units?: Record<string, string>;
    source: string;
    values: Record<string, number | null>;
}

interface RegionalGroup {
    unit: string;
    units?: Record<string, string>;
    source: string;
    regions: Record<string, Record<string, number | null>>;
}

/** Groups with one value per key, and the keys a stack may add to them (others are closed lists). */
export const FLAT_GROUPS = ["dbu", "addOns", "nodeDbu", "warehouseDbu", "servingDbu", "servingConcurrency", "appDbu", "network", "nat", "publicIp", "dns", "keyVault", "facts"] as const;
export type FlatGroupName = (typeof FLAT_GROUPS)[number];
/** Groups priced per Azure region. */
export const REGIONAL_GROUPS = ["vm", "storage", "logAnalytics"] as const;
export type RegionalGroupName = (typeof REGIONAL_GROUPS)[number];

export interface RateTable extends Record<FlatGroupName, FlatGroup>, Record<RegionalGroupName, RegionalGroup> {
    currency: string;
    /** Azure's hours in a month (8760 / 12), as its pricing calculator counts them. */
    hoursPerMonth: number;
    sources: Record<string, RateSource>;
}

/**
 * The repository's rates. Read from disk rather than imported: the CLI runs the pack from policies/
 * with ts-node and, as that folder has no tsconfig.json, without the project's options
 * (@pulumi/pulumi cmd/run-policy-pack: skipProject), so a JSON import would not compile there.
 */
export const RATE_TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, "list-prices.json"), "utf8")) as RateTable;

/** An Azure VM size as Databricks names node types. */
export const VM_SIZE = /^Standard_[A-Za-z0-9_]+$/;
/** Keys a stack may add beyond the table's own, per group (a node type, a serving workload type, a region's keys). */
const OPEN_KEYS: Partial<Record<FlatGroupName | RegionalGroupName, { pattern: RegExp; allowed: string }>> = {
    nodeDbu: { pattern: VM_SIZE, allowed: "an Azure VM size such as Standard_D4ds_v5" },
    servingDbu: { pattern: /^[A-Z][A-Z0-9_]*$/, allowed: "a serving workload type such as CPU or GPU_SMALL" },
    vm: { pattern: VM_SIZE, allowed: "an Azure VM size such as Standard_D4ds_v5" },
};
const REGION = { pattern: /^[a-z][a-z0-9]*$/, allowed: "an Azure region as Azure spells it (westeurope)" };
/** Largest rate a stack may set: far above any list price, low enough to catch a misplaced unit. */
const MAX_RATE = 1_000_000;

/** One rate as a line uses it: the value and where it came from. */
export interface Rate {
    value: number;
    unit: string;
    /** Its place in the table, `dbu.jobsCompute` or `vm.westeurope.Standard_D4ds_v5`. */
    path: string;
    /** The source id of `list-prices.json`, or `lakehouse:cost.rates` when the stack set it. */
    source: string;
}

/** Stack overrides: `group → key → value`, or for regional groups `group → region → key → value`. */
export type RateOverrides = Record<string, Record<string, number | Record<string, number>>>;

/** The config key rate overrides are read from (also what a line names as their source). */
export const OVERRIDE_SOURCE = "lakehouse:cost.rates";

/** A non-negative number (numeric strings too: `pulumi config set --path` stores text), or undefined after recording why. */
export function nonNegative(key: string, value: unknown, max: number, fail: Fail): number | undefined {
    const n = typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > max) {
        fail(key, value, `a number from 0 to ${max}`);
        return undefined;
    }
    return n;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkKey(group: FlatGroupName | RegionalGroupName, known: readonly string[], key: string, name: string, value: unknown, fail: Fail): boolean {
    const open = OPEN_KEYS[group];
    if (known.includes(name) || open?.pattern.test(name)) return true;
    fail(`${key}.${name}`, value, `a rate of ${group}: ${known.join(", ")}${open ? `, or ${open.allowed}` : ""}`);
    return false;
}

/** Reads `lakehouse:cost.rates` (or a policy's `rates`): every group, region, key and value checked. */
export function parseRateOverrides(raw: unknown, key: string, fail: Fail): RateOverrides {
    if (raw === undefined || raw === null) return {};
    if (!isObject(raw)) {
        fail(key, raw, "an object of rate groups, e.g. { vm: { northeurope: { Standard_D4ds_v5: 0.25 } } }");
        return {};
    }
    const out: RateOverrides = {};
    for (const [group, value] of Object.entries(raw)) {
        const groupKey = `${key}.${group}`;
        if (!(FLAT_GROUPS as readonly string[]).includes(group) && !(REGIONAL_GROUPS as readonly string[]).includes(group)) {
            fail(groupKey, value, `a rate group: ${[...FLAT_GROUPS, ...REGIONAL_GROUPS].join(", ")}`);
            continue;
        }
        if (!isObject(value)) {
            fail(groupKey, value, "an object");
            continue;
        }
        const name = group as FlatGroupName | RegionalGroupName;
        const entries: Record<string, number | Record<string, number>> = {};
        if ((REGIONAL_GROUPS as readonly string[]).includes(group)) {
            const table = RATE_TABLE[name as RegionalGroupName];
            const known = [...new Set(Object.values(table.regions).flatMap((r) => Object.keys(r)))];
            for (const [region, rates] of Object.entries(value)) {
                if (!REGION.pattern.test(region)) fail(`${groupKey}.${region}`, rates, REGION.allowed);
                else if (!isObject(rates)) fail(`${groupKey}.${region}`, rates, "an object of rates");
                else {
                    const regional: Record<string, number> = {};
                    for (const [k, v] of Object.entries(rates)) {
                        if (!checkKey(name, known, `${groupKey}.${region}`, k, v, fail)) continue;
                        const n = nonNegative(`${groupKey}.${region}.${k}`, v, MAX_RATE, fail);
                        if (n !== undefined) regional[k] = n;
                    }
                    entries[region] = regional;
                }
            }
        } else {
            const known = Object.keys(RATE_TABLE[name as FlatGroupName].values);
            for (const [k, v] of Object.entries(value)) {
                if (!checkKey(name, known, groupKey, k, v, fail)) continue;
                const n = nonNegative(`${groupKey}.${k}`, v, MAX_RATE, fail);
                if (n !== undefined) entries[k] = n;
            }
        }
        out[group] = entries;
    }
    return out;
}

/** The table under a stack's overrides: the lookups every cost line goes through. */
export class Rates {
    constructor(
        readonly overrides: RateOverrides = {},
        readonly table: RateTable = RATE_TABLE,
    ) {}

    get currency(): string {
        return this.table.currency;
    }

    get hoursPerMonth(): number {
        return this.table.hoursPerMonth;
    }

    /** A rate of a flat group, or undefined when neither the stack nor the table has one. */
    flat(group: FlatGroupName, key: string): Rate | undefined {
        return this.rate(group, key, `${group}.${key}`, this.overrides[group]?.[key], this.table[group].values[key]);
    }

    /** A rate of a regional group in one region, or undefined when neither the stack nor the table has one. */
    regional(group: RegionalGroupName, region: string, key: string): Rate | undefined {
        const set = (this.overrides[group]?.[region] as Record<string, number> | undefined)?.[key];
        return this.rate(group, key, `${group}.${region}.${key}`, set, this.table[group].regions[region]?.[key]);
    }

    private rate(group: FlatGroupName | RegionalGroupName, key: string, path: string, set: unknown, listed: number | null | undefined): Rate | undefined {
        const unit = this.table[group].units?.[key] ?? this.table[group].unit;
        if (typeof set === "number") return { value: set, unit, path, source: OVERRIDE_SOURCE };
        return typeof listed === "number" ? { value: listed, unit, path, source: this.table[group].source } : undefined;
    }
}
