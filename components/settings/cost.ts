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

/**
 * Azure's limits on a budget: five notifications in all (the Consumption API this SDK calls says
 * "up to five"; Cost Management's newer API allows five of each kind), thresholds in percent, 50
 * e-mails each.
 */
export const BUDGET_LIMITS = { notifications: 5, threshold: { min: 1, max: 1000 }, recipients: 50, amount: 1_000_000_000 };

export interface BudgetSettings {
    /** Monthly amount, in the subscription's billing currency (the rates are USD); 0 means no budget. */
    amount: number;
    /** The Azure budget's name, unique in the subscription. */
    name: string;
    /** Percentages of the amount that, once spent, alert. */
    thresholds: number[];
    /** Percentages of the amount that, once forecast for the month, alert. */
    forecastThresholds: number[];
    /** Who the alerts go to; none: the users assigned Owner directly on the subscription (the plan warns). */
    recipients: string[];
    /**
     * First day of the current month (UTC), a new budget's start: Azure takes no earlier date for a
     * new monthly budget and refuses to change it later, so an existing budget keeps its own.
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
    if (thresholds.length + forecastThresholds.length > BUDGET_LIMITS.notifications) {
        check.fail("cost.budget.thresholds", budget.thresholds, `at most ${BUDGET_LIMITS.notifications} thresholds here and in cost.budget.forecastThresholds together (Azure's limit of notifications per budget; there are ${thresholds.length + forecastThresholds.length})`);
    }
    const recipients = check.stringList("cost.budget.recipients", budget.recipients, d.recipients, EMAIL);
    if (recipients.length > BUDGET_LIMITS.recipients) check.fail("cost.budget.recipients", budget.recipients, `at most ${BUDGET_LIMITS.recipients} addresses (Azure's limit per notification)`);
    return {
        budget: { amount, name: `budget-${platform.names.base}`, thresholds, forecastThresholds, recipients, startDate: monthStart(now) },
        basis: costBasis(cost, "cost", check.fail.bind(check)),
    };
}

/** Databricks' limit of custom tags on a budget policy (the program's own tags count too). */
export const BUDGET_POLICY_TAGS = 20;

/**
 * With a budget and the account id, the stack's tags become the Databricks budget policy's custom
 * tags, of which Databricks takes at most 20: more fails the policy's create, so it fails here.
 */
export function checkBudgetPolicyTags(check: Checker, rawTags: unknown, tags: Record<string, string>, cost: CostSettings, databricksAccountId: string | undefined): void {
    const count = Object.keys(tags).length;
    if (cost.budget.amount > 0 && databricksAccountId && count > BUDGET_POLICY_TAGS) {
        check.fail("tags", rawTags, `at most ${BUDGET_POLICY_TAGS} tags with the program's own (there are ${count}): they become the Databricks budget policy's custom tags, which take ${BUDGET_POLICY_TAGS}`);
    }
}
