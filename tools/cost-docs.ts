/**
 * The generated sections of docs/cost.md: the shipped stacks' estimates and the cost of the changes
 * the page discusses, from the real plan (`cost-figures`), and the list prices with their sources,
 * from policies/cost/list-prices.json (`cost-rates`). `npm run docs` writes them; a test fails when
 * the page differs.
 */
import { RATE_TABLE, FLAT_GROUPS, REGIONAL_GROUPS } from "../policies/cost/rates";
import { money } from "../policies/cost/render";
import { renderCostChange } from "./diff";
import type { Planner } from "./docs-sections";
import type { Differ } from "./recipe-docs";
import { TRAINED } from "./scenarios";
import { parseOverride } from "./stack-config";

/** The changes whose cost the page shows: a stack, the `--set` scenario, the `--diff-set` change. */
export const COST_CHANGES: readonly { stack: string; scenario: readonly string[]; changes: readonly string[] }[] = [
    { stack: "dev", scenario: [], changes: ["computeSize=large"] },
    { stack: "prod", scenario: TRAINED, changes: ["serving.traffic.challenger=50", "serving.traffic.champion=50"] },
];

/** Per stack, as shipped and with its endpoints on: idle and active, DBUs apart, and the budget; then the changes. */
export async function costFigures(planner: Planner, differ: Differ): Promise<string> {
    const rows: string[] = [];
    for (const stack of ["dev", "prod"]) {
        for (const [label, sets] of [["as shipped (endpoints off)", []], ["both endpoints on", TRAINED]] as const) {
            const { cost } = (await planner(stack, [...sets])).document;
            const t = cost.totals;
            const lower = t.unpriced > 0 ? ` (+ ${t.unpriced} unpriced)` : "";
            rows.push(`| \`${stack}\` | ${label} | ${money(t.idle.total)} | ${money(t.active.total)}${lower} | ${money(t.active.dbu)} | ${money(t.active.azure)} | ${cost.budget ? money(cost.budget.amount) : "none"} |`);
        }
    }
    const changes: string[] = [];
    for (const c of COST_CHANGES) {
        const doc = await differ(c.stack, c.scenario.map(parseOverride), c.changes.map(parseOverride));
        const sets = c.scenario.map((s) => ` --set ${s}`).join("");
        changes.push(`$ npm run plan -- --stack ${c.stack}${sets}${c.changes.map((s) => ` --diff-set ${s}`).join("")}`, renderCostChange(doc.diff.cost!));
    }
    return [
        "| stack | state | idle | active | active: DBU | active: Azure | budget |",
        "|---|---|---|---|---|---|---|",
        ...rows,
        "",
        "```text",
        ...changes,
        "```",
    ].join("\n");
}

/** Every list price with its unit and source, then the sources with the date each was read. */
export function rateTable(): string {
    const rows: string[] = [];
    for (const group of FLAT_GROUPS) {
        const g = RATE_TABLE[group];
        for (const [key, value] of Object.entries(g.values)) rows.push(`| \`${group}.${key}\` | ${value ?? "none (unpriced)"} | ${g.units?.[key] ?? g.unit} | ${g.source} |`);
    }
    for (const group of REGIONAL_GROUPS) {
        const g = RATE_TABLE[group];
        for (const [region, values] of Object.entries(g.regions)) {
            for (const [key, value] of Object.entries(values)) rows.push(`| \`${group}.${region}.${key}\` | ${value ?? "none (unpriced)"} | ${g.units?.[key] ?? g.unit} | ${g.source} |`);
        }
    }
    const sources = Object.entries(RATE_TABLE.sources).map(([id, s]) => `- \`${id}\`: [${s.title}](${s.url}); ${s.status}.`);
    return [`Currency ${RATE_TABLE.currency}; ${RATE_TABLE.hoursPerMonth} hours a month.`, "", "| rate | value | unit | source |", "|---|---|---|---|", ...rows, "", ...sources].join("\n");
}
