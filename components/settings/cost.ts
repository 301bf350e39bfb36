/**
 * `lakehouse:cost`: the monthly budget that alerts (amount, thresholds, recipients) and the basis
 * the plan's cost estimate prices with (usage assumptions and rate overrides, read by the same
 * checks the pack's budget rules use: policies/cost/basis.ts). Pure: unit-tested without mocks.
 */
import { CostBasis, USAGE_DEFAULTS, costBasis } from "../../policies/cost/basis";
import { nonNegative } from "../../policies/cost/rates";
import { PlatformSettings } from "./platform";
import { EMAIL } from "./pipelines";
import { Checker, PlainObject, keyPath } from "./validate";

/** Defaults of `lakehouse:cost`; `Pulumi.yaml` declares the same value (a test keeps them equal). */
export const COST_DEFAULTS = {
    budget: { amount: 0, thresholds: [80, 100] as number[], forecastThresholds: [100] as number[], recipients: [] as string[] },
    usage: USAGE_DEFAULTS,
    rates: {} as PlainObject,
};

export const COST_KEYS = ["cost"] as const;

/** Azure's limits on a budget: up to five notifications of each kind, thresholds in percent, 50 e-mails each. */
export const BUDGET_LIMITS = { notificationsPerKind: 5, threshold: { min: 1, max: 1000 }, recipients: 50, amount: 1_000_000_000 };

export interface BudgetSettings {
    /** Monthly amount, in the subscription's billing currency (the rates are USD); 0 means no budget. */
    amount: number;
    /** The Azure budget's name, unique in the subscription. */
    name: string;
    /** Percentages of the amount that, once spent, alert. */
    thresholds: number[];
    /** Percentages of the amount that, once forecast for the month, alert. */
    forecastThresholds: number[];
    /** Who the alerts go to; none: the Owners of the stack's resource groups. */
    recipients: string[];
    /**
     * First day of the current month (UTC), the budget's start: Azure takes no other date for a new
     * monthly budget and refuses to change it later, so the component sets it once.
     */
    startDate: string;
}

export interface CostSettings {
    budget: BudgetSettings;
    /** What the plan's estimate prices with; the budget rules of the pack take the same from their policy config. */
    basis: CostBasis;
}

/** The first day of `now`'s month, UTC, as the budget API spells dates. */
export function monthStart(now: Date): string {
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().replace(".000Z", "Z");
}

function percentages(check: Checker, key: string, value: unknown, fallback: readonly number[]): number[] {
    if (value === undefined || value === null) return [...fallback];
    if (!Array.isArray(value)) {
        check.fail(key, value, `a list of percentages of the amount (${BUDGET_LIMITS.threshold.min}-${BUDGET_LIMITS.threshold.max}), e.g. [80, 100]`);
        return [...fallback];
    }
    if (value.length > BUDGET_LIMITS.notificationsPerKind) check.fail(key, value, `at most ${BUDGET_LIMITS.notificationsPerKind} thresholds (Azure's limit per kind of notification)`);
    const out: number[] = [];
    value.forEach((item, i) => {
        const n = check.integer(keyPath(key, i), item, 0, BUDGET_LIMITS.threshold);
        if (n === 0) return;
        if (out.includes(n)) check.fail(keyPath(key, i), item, "no duplicates in the list");
        else out.push(n);
    });
    return out.sort((a, b) => a - b);
}

/** Reads `lakehouse:cost`. */
export function parseCost(check: Checker, raw: PlainObject, platform: Pick<PlatformSettings, "names">, now: Date): CostSettings {
    const d = COST_DEFAULTS.budget;
    const cost = check.object("cost", raw.cost, ["budget", "usage", "rates"]);
    const budget = check.object("cost.budget", cost.budget, ["amount", "thresholds", "forecastThresholds", "recipients"]);
    const amount = budget.amount === undefined || budget.amount === null ? d.amount : (nonNegative("cost.budget.amount", budget.amount, BUDGET_LIMITS.amount, check.fail.bind(check)) ?? d.amount);
    const thresholds = percentages(check, "cost.budget.thresholds", budget.thresholds, d.thresholds);
    const forecastThresholds = percentages(check, "cost.budget.forecastThresholds", budget.forecastThresholds, d.forecastThresholds);
    if (amount > 0 && thresholds.length + forecastThresholds.length === 0) {
        check.fail("cost.budget.thresholds", budget.thresholds, "at least one threshold (here or in cost.budget.forecastThresholds): a budget alerts at them");
    }
    const recipients = check.stringList("cost.budget.recipients", budget.recipients, d.recipients, EMAIL);
    if (recipients.length > BUDGET_LIMITS.recipients) check.fail("cost.budget.recipients", budget.recipients, `at most ${BUDGET_LIMITS.recipients} addresses (Azure's limit per notification)`);
    return {
        budget: { amount, name: `budget-${platform.names.base}`, thresholds, forecastThresholds, recipients, startDate: monthStart(now) },
        basis: costBasis(cost, "cost", check.fail.bind(check)),
    };
}
