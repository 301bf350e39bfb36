/**
 * What a cost line is and how one is built: the resource as the estimate reads it, the line with its
 * rate, quantity and assumption, and the builder every priced resource goes through (rounding to
 * cents, marking a missing rate unpriced). Pure: unit-tested through the estimate.
 */
import { CostBasis } from "./basis";
import { Rate, Rates } from "./rates";

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

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
export const cents = (n: number) => Math.round(n * 100) / 100;
/** Quantities are shown as computed, without float noise. */
export const exact = (n: number) => Math.round(n * 1e6) / 1e6;

/** What the line builders price with: the usage and the rates as lookups. */
export interface Pricing {
    usage: CostBasis["usage"];
    rates: Rates;
}

/** The builder of one resource's lines. */
export class Lines {
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
