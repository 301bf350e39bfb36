/**
 * `lakehouse:cost`: the basis the plan's cost estimate prices with — usage assumptions and rate
 * overrides, read by the checks of policies/cost/basis.ts. Pure: unit-tested without mocks.
 */
import { CostBasis, USAGE_DEFAULTS, costBasis } from "../../policies/cost/basis";
import { Checker, PlainObject } from "./validate";

/** Defaults of `lakehouse:cost`; `Pulumi.yaml` declares the same value (a test keeps them equal). */
export const COST_DEFAULTS = {
    usage: USAGE_DEFAULTS,
    rates: {} as PlainObject,
};

export const COST_KEYS = ["cost"] as const;

export interface CostSettings {
    /** What the plan's estimate prices with. */
    basis: CostBasis;
}

/** Reads `lakehouse:cost`. */
export function parseCost(check: Checker, raw: PlainObject): CostSettings {
    const cost = check.object("cost", raw.cost, ["usage", "rates"]);
    return { basis: costBasis(cost, "cost", check.fail.bind(check)) };
}
