/**
 * The policy table of docs/grants-and-policies.md, generated from the pack, and the pack's figures.
 *
 *   node -r ./tools/register.js tools/policy-docs.ts    # print the table and the figures
 *
 * `npm run docs` writes the table into docs/grants-and-policies.md (section `policies`); a test fails when it is stale.
 *
 * The figures count the policies per enforcement level and the REFERENCE.md public rules
 * (Checkov / Trivy ids) the pack covers.
 */
import * as fs from "fs";
import * as path from "path";
import type { Policies } from "@pulumi/policy";
import { allPolicies, policyGroups } from "../policies/rules";
import { PUBLIC_RULES, coverage, parsePublicRuleIds } from "../policies/public-rules";
import { COVERAGE_PAGE, readFigures } from "./coverage";

export const ROOT = path.resolve(__dirname, "..");
/** Where REFERENCE.md lives next to the repository (the shared design folder). */
export const REFERENCE = path.resolve(ROOT, "..", "shared", "REFERENCE.md");

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

/** What a policy lets you configure, as `key` (default) pairs. */
function configText(policy: Policies[number]): string {
    const props = policy.configSchema?.properties ?? {};
    return Object.keys(props)
        .map((k) => `\`${k}\``)
        .join(", ");
}

/** The generated block: the figures, then a table of every policy grouped by concern. */
export function policyTable(groups = policyGroups): string {
    const f = packFigures(groups.flatMap((g) => g.policies));
    const levels = Object.entries(f.byLevel).map(([level, n]) => `${n} ${level}`).join(", ");
    const lines = [
        `${f.total} policies (${levels}); they cover ${f.publicCovered} of the ${f.publicRules} Checkov / Trivy rules of the reference list (policies/public-rules.ts).${coverageClaim()}`,
        "",
        "| Policy | Level | What it checks | Config | Public rules |",
        "|---|---|---|---|---|",
    ];
    for (const group of groups) {
        lines.push(`| **${group.title}** | | | | |`);
        for (const p of group.policies) {
            lines.push(`| \`${p.name}\` | ${p.enforcementLevel ?? "advisory"} | ${cell(p.description)} | ${configText(p)} | ${(p.tags ?? []).join(", ")} |`);
        }
    }
    return lines.join("\n");
}

/**
 * The claim about whole rule sets, from the generated coverage page (docs/coverage.md, `npm run
 * coverage`): empty when the page does not exist yet.
 */
export function coverageClaim(page = COVERAGE_PAGE): string {
    const figures = fs.existsSync(page) ? readFigures(fs.readFileSync(page, "utf8")) : undefined;
    if (!figures) return "";
    return ` Of all ${figures.considered} rules of Checkov, Trivy and the Databricks Security Analysis Tool, ${figures.applicable} are about what the program creates: the pack enforces ${figures.enforced}, ${figures.gaps} are known gaps, the others do not apply (docs/coverage.md, each rule with its policy or reason).`;
}

export interface PackFigures {
    total: number;
    byLevel: Record<string, number>;
    publicRules: number;
    publicCovered: number;
    uncovered: string[];
}

export function packFigures(policies: Policies = allPolicies): PackFigures {
    const byLevel: Record<string, number> = {};
    for (const p of policies) byLevel[p.enforcementLevel ?? "advisory"] = (byLevel[p.enforcementLevel ?? "advisory"] ?? 0) + 1;
    const c = coverage(policies);
    return { total: policies.length, byLevel, publicRules: Object.keys(PUBLIC_RULES).length, publicCovered: c.covered.length, uncovered: c.uncovered };
}

export function figuresText(f: PackFigures = packFigures()): string {
    const levels = Object.entries(f.byLevel)
        .map(([level, n]) => `${n} ${level}`)
        .join(", ");
    return [
        `Policies in the pack: ${f.total} (${levels})`,
        `REFERENCE.md public rules (Checkov + Trivy ids) covered: ${f.publicCovered} of ${f.publicRules}${f.uncovered.length ? ` (not covered: ${f.uncovered.join(", ")})` : ""}`,
    ].join("\n");
}

function main(): number {
    const table = policyTable();
    process.stdout.write(`${table}\n\n${figuresText()}\n`);
    if (fs.existsSync(REFERENCE)) {
        const listed = parsePublicRuleIds(fs.readFileSync(REFERENCE, "utf8"));
        const missing = listed.filter((id) => !(id in PUBLIC_RULES));
        const extra = Object.keys(PUBLIC_RULES).filter((id) => !listed.includes(id));
        process.stdout.write(
            missing.length || extra.length
                ? `REFERENCE.md and policies/public-rules.ts disagree: missing ${missing.join(", ") || "none"}, extra ${extra.join(", ") || "none"}\n`
                : `REFERENCE.md lists the same ${listed.length} public rule ids as policies/public-rules.ts\n`,
        );
    }
    return 0;
}

if (require.main === module) process.exit(main());
