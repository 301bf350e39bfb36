/**
 * The cost section of the plan's text report: the two totals, Databricks units and Azure apart, the
 * budget beside them, then every line with its rate × quantity and the assumption behind it, the
 * sources of the rates used and the unpriced lines as warnings. Pure: unit-tested.
 */
import { CostEstimate, CostLine, CostTotals } from "./estimate";
import { OVERRIDE_SOURCE } from "./rates";

/** A budget as the report compares it with the estimate. */
export interface BudgetView {
    name: string;
    amount: number;
}

/** `1234.5` → `1234.50`. */
export const money = (n: number) => n.toFixed(2);

/** `+12.30` / `-4.00` / `0.00`. */
export const delta = (n: number) => `${n > 0 ? "+" : ""}${money(n)}`;

/** How far the active estimate is into the budget: `78% of budget-lakehouse-prod (6000.00)`. */
export function budgetShare(totals: CostTotals, budget: BudgetView): string {
    const share = budget.amount > 0 ? Math.round((totals.active.total / budget.amount) * 100) : 0;
    return `active estimate ${share}% of budget ${budget.name} (${money(budget.amount)})${totals.active.total > budget.amount ? ": OVER BUDGET" : ""}`;
}

function detail(l: CostLine): string {
    const quantity = l.quantity.idle === l.quantity.active ? `${l.quantity.idle}` : `${l.quantity.idle} idle, ${l.quantity.active} active`;
    const rate = l.rate ? `${l.rate.value} ${l.rate.unit} (${l.rate.path}; ${l.rate.source})` : "no rate";
    return `= ${rate} × ${quantity} ${l.quantity.unit}: ${l.assumption}`;
}

/** The lines of the plan's text report. */
export function renderCost(estimate: CostEstimate, budget?: BudgetView): string[] {
    const t = estimate.totals;
    const row = (label: string, idle: number, active: number) => `  ${label.padEnd(28)}${money(idle).padStart(12)}${money(active).padStart(12)}`;
    const lines = [
        `Monthly cost (${estimate.currency}, list prices, Azure in ${estimate.region}; idle: nobody using it, active: the expected use; docs/cost.md):`,
        `  ${"".padEnd(28)}${"idle".padStart(12)}${"active".padStart(12)}`,
        row("Databricks units (DBU)", t.idle.dbu, t.active.dbu),
        row("Azure infrastructure", t.idle.azure, t.active.azure),
        row("total", t.idle.total, t.active.total) + (t.unpriced > 0 ? `  (lower bounds: ${t.unpriced} line${t.unpriced === 1 ? "" : "s"} unpriced)` : ""),
    ];
    if (budget) lines.push(`  ${budgetShare(t, budget)}`);
    lines.push("", "  Per line, idle / active: rate × quantity (usage.* are lakehouse:cost.usage assumptions):");
    for (const l of estimate.lines) {
        lines.push(`    ${l.kind === "dbu" ? "DBU  " : "Azure"} ${l.resource}: ${l.item}  ${l.unpriced ? "UNPRICED" : `${money(l.idle)} / ${money(l.active)}`}`);
        lines.push(`          ${l.unpriced ? `${l.unpriced} (${l.assumption})` : detail(l)}`);
    }
    lines.push("", "  Rate sources:");
    for (const [id, s] of Object.entries(estimate.sources)) lines.push(`    ${id}: ${s.url} — ${s.status}`);
    if (estimate.lines.some((l) => l.rate?.source === OVERRIDE_SOURCE)) lines.push(`    ${OVERRIDE_SOURCE}: the stack's own rates`);
    for (const w of estimate.warnings) lines.push(`  warning: ${w}`);
    return lines;
}
