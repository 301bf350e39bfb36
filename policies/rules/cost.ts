/**
 * Budgets: the stack's estimated monthly cost against the Azure budget it declares. The estimate
 * is recomputed here from the resources the preview sees, with the function the offline plan prints
 * (policies/cost/estimate.ts), so the verdict never trusts a figure the program wrote itself.
 *
 * It prices with the repository's list prices and the default usage assumptions, unless the policy
 * config gives `usage` and `rates` in the shape of `lakehouse:cost.usage` and `lakehouse:cost.rates`:
 * a policy cannot read stack config, so a stack that changes those repeats them here, and the plan
 * says when the two differ. The config is the request; the policy config is the approval.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { CostBasis, costBasis } from "../cost/basis";
import { CostEstimate, CostResource, estimateCost } from "../cost/estimate";
import { money } from "../cost/render";
import { PRODUCTION_PROPERTY, isProductionStack } from "./environment";
import { UNKNOWN, configOf, read } from "./util";

const BUDGET = "azure-native:consumption:Budget";

const BASIS_PROPERTIES: Record<string, PolicyConfigJSONSchema> = {
    usage: { type: "object", default: {}, description: "Usage assumptions of the estimate, as lakehouse:cost.usage (repeat the stack's own when it sets any)." },
    rates: { type: "object", default: {}, description: "Rates over the list prices, as lakehouse:cost.rates (repeat the stack's own when it sets any)." },
};

/** The basis a budget rule's config gives, and what in it is wrong (each problem is reported). */
export function policyBasis(config: { usage?: unknown; rates?: unknown }): { basis: CostBasis; problems: string[] } {
    const problems: string[] = [];
    const basis = costBasis(config, "policy config", (key, value, allowed) => problems.push(`${key} = ${JSON.stringify(value)}: expected ${allowed}`));
    return { basis, problems };
}

/** A value with every unknown part (a preview's computed outputs) left out: the estimate reads plain data. */
function known(value: unknown): unknown {
    if (value === UNKNOWN || value === null || typeof value !== "object") return value === UNKNOWN ? undefined : value;
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => known(read(() => value[i])));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = known(read(() => (value as Record<string, unknown>)[key]));
    return out;
}

/** The resources as the estimate reads them. */
export function costResources(resources: readonly PolicyResource[]): CostResource[] {
    return resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: known(r.props) as Record<string, unknown>, dependencies: r.dependencies.map((d) => d.urn) }));
}

interface Over {
    urn: string;
    name: string;
    amount: number;
    /** How far over the budget the active estimate is, in percent. */
    over: number;
}

/** Each budget the active estimate exceeds, with the estimate; undefined (and reported) when the config is invalid. */
function overBudgets(args: { resources: readonly PolicyResource[]; getConfig<U extends object>(): U }, policy: StackValidationPolicy, report: ReportViolation): { estimate: CostEstimate; over: Over[] } | undefined {
    const budgets = args.resources.filter((r) => r.type === BUDGET);
    if (budgets.length === 0) return undefined;
    const { basis, problems } = policyBasis(configOf<{ usage?: unknown; rates?: unknown }>(args, policy));
    for (const p of problems) report(`invalid ${p}`);
    if (problems.length > 0) return undefined;
    const estimate = estimateCost(costResources(args.resources), basis);
    const over: Over[] = [];
    for (const b of budgets) {
        const amount = read(() => b.props.amount);
        if (typeof amount !== "number" || amount <= 0) continue;
        const active = estimate.totals.active.total;
        if (active > amount) over.push({ urn: b.urn, name: String(read(() => b.props.budgetName) ?? b.name), amount, over: ((active - amount) / amount) * 100 });
    }
    return { estimate, over };
}

function message(estimate: CostEstimate, o: Over): string {
    const t = estimate.totals;
    const lower = t.unpriced > 0 ? ` (a lower bound: ${t.unpriced} line${t.unpriced === 1 ? "" : "s"} unpriced)` : "";
    return `the active monthly estimate, ${money(t.active.total)} ${estimate.currency}${lower}, exceeds budget ${o.name} (${money(o.amount)}) by ${Math.round(o.over)}%; the plan's cost section (npm run plan) itemises it.`;
}

export const costWithinBudget: StackValidationPolicy = {
    name: "cost-estimate-within-budget",
    description:
        "The stack's estimated monthly cost when in use (the offline plan's active estimate, recomputed from the resources at list prices and the configured usage) stays within the Azure budget the stack declares (lakehouse:cost.budget.amount).",
    enforcementLevel: "advisory",
    configSchema: { properties: BASIS_PROPERTIES },
    validateStack: (args, report) => {
        const found = overBudgets(args, costWithinBudget, report);
        for (const o of found?.over ?? []) report(message(found!.estimate, o), o.urn);
    },
};

export const costWithinBudgetMargin: StackValidationPolicy = {
    name: "cost-estimate-within-budget-margin",
    description:
        "In production stacks the estimated monthly cost when in use exceeds the declared Azure budget by no more than `margin` percent (10 by default): a change that would blow the budget fails the preview until the budget or the change is revised.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            production: PRODUCTION_PROPERTY,
            margin: { type: "number", minimum: 0, default: 10, description: "Percent over the budget that production tolerates before the preview fails." },
            ...BASIS_PROPERTIES,
        },
    },
    validateStack: (args, report) => {
        if (!isProductionStack(args, costWithinBudgetMargin)) return;
        const { margin } = configOf<{ margin: number }>(args, costWithinBudgetMargin);
        const found = overBudgets(args, costWithinBudgetMargin, report);
        for (const o of found?.over ?? []) if (o.over > margin) report(`${message(found!.estimate, o)} Production allows ${margin}% over.`, o.urn);
    },
};

export const costPolicies = [costWithinBudget, costWithinBudgetMargin];
