/**
 * docs/coverage.md: every rule of Checkov, Trivy and the Databricks Security Analysis Tool (SAT),
 * and what the pack does about it: the policy that enforces it, why it does not apply, or that it
 * is a gap. Generated from the rule catalogs (tools/scanner/catalog/*.json), the answers in
 * policies/public-rules.ts and the resource types the program creates (the ARM export of the dev
 * and prod plans).
 *
 *   npm run coverage                 write docs/coverage.md and print the counts
 *   npm run coverage -- --check      exit 1 when docs/coverage.md is out of date (writes nothing)
 *   npm run coverage -- --refresh    first re-read the catalogs: Checkov from the pinned scanner
 *                                    venv, Trivy from the Go module proxy (the pinned version in
 *                                    trivy.json, or --trivy-version VERSION); SAT is a snapshot
 *
 * A rule about a resource type the program creates needs an answer of its own; rules about types
 * it does not create are grouped by type family. The page's counts feed the README's claim
 * (tools/policy-docs.ts reads them from the page).
 */
import * as fs from "fs";
import * as path from "path";
import type { Policies } from "@pulumi/policy";
import { CHECKOV_ANSWERS, RuleAnswer, SAT_ANSWERS, TRIVY_ANSWERS } from "../policies/public-rules";
import { allPolicies } from "../policies/rules";
import { ArmSourceResource, TYPES, armTemplate } from "./arm";
import { Catalogs, checkovArmTypes, fetchTrivyCatalog, loadCatalogs, writeCatalog } from "./scanner/catalog";

export const ROOT = path.resolve(__dirname, "..");
export const COVERAGE_PAGE = path.join(ROOT, "docs", "coverage.md");

const RESOURCE_GROUP = "Microsoft.Resources/resourceGroups";

export type Source = "checkov" | "trivy" | "sat";
export type Status = "enforced" | "not-applicable" | "gap" | "type-not-created" | "not-run-on-azure" | "disabled-in-sat";

export interface CoverageRow {
    source: Source;
    id: string;
    name: string;
    /** ARM resource types the rule inspects (SAT: none, it checks a running workspace). */
    types: string[];
    /** Checkov: the frameworks that have the rule (`arm` runs in `npm run scan`). */
    frameworks?: string[];
    /** SAT: category and severity. */
    category?: string;
    severity?: string;
    status: Status;
    answer?: RuleAnswer;
    /** For rules about types the export knows but the program does not create yet. */
    prepared?: boolean;
}

export interface CoverageSummary {
    considered: number;
    /** Rules about what the program creates (each with its own row). */
    applicable: number;
    enforced: number;
    /** Applicable rules that do not apply after all (own reason) plus rules about types not created (grouped). */
    notApplicable: number;
    gaps: number;
    bySource: Record<Source, { considered: number; applicable: number; enforced: number; notApplicable: number; gaps: number }>;
}

export interface Coverage {
    rows: CoverageRow[];
    summary: CoverageSummary;
    createdTypes: string[];
    /** What is wrong with the mapping: an applicable rule without an answer, a policy that does not exist, an answer for no rule. */
    problems: string[];
}

/** The ARM types the program creates: the ARM export of the plans, and the resource group it deploys into. */
export function createdArmTypes(plans: { resources: readonly ArmSourceResource[] }[]): string[] {
    const types = new Set<string>();
    for (const p of plans) {
        const template = armTemplate(p.resources);
        for (const r of template.resources) types.add(r.type);
        if (template.metadata.deploymentScope) types.add(RESOURCE_GROUP);
    }
    return [...types].sort();
}

/** The ARM types the export knows (tools/arm.ts TYPES) and the resource group. */
export function knownArmTypes(): string[] {
    return [...new Set([...Object.values(TYPES).map((t) => t.arm), RESOURCE_GROUP])].sort();
}

function statusOf(answer: RuleAnswer): Status {
    return "policies" in answer ? "enforced" : "gap" in answer ? "gap" : "not-applicable";
}

/** Every rule of the three catalogs with what the pack does about it. Pure. */
export function coverage(catalogs: Catalogs, createdTypes: readonly string[], policies: Policies = allPolicies, answers = { checkov: CHECKOV_ANSWERS, trivy: TRIVY_ANSWERS, sat: SAT_ANSWERS }): Coverage {
    const created = new Set(createdTypes);
    const known = new Set(knownArmTypes());
    const rows: CoverageRow[] = [];
    const problems: string[] = [];
    const policyNames = new Set(policies.map((p) => p.name));

    const typed = (source: Source, id: string, name: string, types: string[], answer: RuleAnswer | undefined, extra: Partial<CoverageRow> = {}) => {
        const applies = types.some((t) => created.has(t));
        if (applies) {
            if (!answer) problems.push(`${source} ${id} (${name}) inspects ${types.filter((t) => created.has(t)).join(", ")}, which the program creates: give it an answer in policies/public-rules.ts`);
            rows.push({ source, id, name, types, status: answer ? statusOf(answer) : "gap", answer, ...extra });
        } else {
            rows.push({ source, id, name, types, status: "type-not-created", answer, prepared: types.some((t) => known.has(t)), ...extra });
        }
    };

    // Checkov: one row per id, over its arm and terraform checks.
    const byId = new Map<string, { names: Map<string, string>; types: Set<string>; frameworks: Set<string>; parameter: boolean }>();
    for (const rule of catalogs.checkov.rules) {
        const entry = byId.get(rule.id) ?? { names: new Map(), types: new Set(), frameworks: new Set(), parameter: false };
        entry.names.set(rule.framework, rule.name);
        for (const t of checkovArmTypes(rule)) entry.types.add(t);
        entry.frameworks.add(rule.framework);
        entry.parameter ||= rule.kind === "parameter";
        byId.set(rule.id, entry);
    }
    for (const [id, e] of [...byId].sort((a, b) => compareIds(a[0], b[0]))) {
        const name = e.names.get("arm") ?? e.names.get("terraform") ?? "";
        const frameworks = [...e.frameworks].sort();
        if (e.parameter) {
            // A check of the template's own parameters: it applies to the ARM export itself.
            const answer = answers.checkov[id];
            if (!answer) problems.push(`checkov ${id} (${name}) checks the exported template's parameters: give it an answer in policies/public-rules.ts`);
            rows.push({ source: "checkov", id, name, types: [...e.types], frameworks, status: answer ? statusOf(answer) : "gap", answer });
            continue;
        }
        typed("checkov", id, name, [...e.types].sort(), answers.checkov[id], { frameworks });
    }

    for (const rule of catalogs.trivy.rules) typed("trivy", rule.id, rule.title, rule.armTypes, answers.trivy[rule.id]);

    for (const rule of catalogs.sat.rules) {
        const base = { source: "sat" as const, id: rule.id, name: rule.name, types: [], category: rule.category, severity: rule.severity };
        if (!rule.clouds.includes("azure")) rows.push({ ...base, status: "not-run-on-azure" });
        else if (!rule.enabled) rows.push({ ...base, status: "disabled-in-sat" });
        else {
            const answer = answers.sat[rule.id];
            if (!answer) problems.push(`sat ${rule.id} (${rule.name}) runs on Azure workspaces like the program's: give it an answer in policies/public-rules.ts`);
            rows.push({ ...base, status: answer ? statusOf(answer) : "gap", answer });
        }
    }

    for (const [source, table] of Object.entries(answers) as [Source, Record<string, RuleAnswer>][]) {
        for (const [id, answer] of Object.entries(table)) {
            if (!rows.some((r) => r.source === source && r.id === id)) problems.push(`policies/public-rules.ts answers ${source} ${id}, which the ${source} catalog does not have`);
            if ("policies" in answer) {
                if (answer.policies.length === 0) problems.push(`${source} ${id}: an answer naming no policy`);
                for (const p of answer.policies) if (!policyNames.has(p)) problems.push(`${source} ${id} names policy ${p}, which the pack does not have`);
            }
        }
    }

    return { rows, summary: summarize(rows), createdTypes: [...createdTypes], problems };
}

function summarize(rows: CoverageRow[]): CoverageSummary {
    const empty = () => ({ considered: 0, applicable: 0, enforced: 0, notApplicable: 0, gaps: 0 });
    const bySource: CoverageSummary["bySource"] = { checkov: empty(), trivy: empty(), sat: empty() };
    for (const r of rows) {
        const s = bySource[r.source];
        s.considered++;
        if (r.status === "enforced" || r.status === "gap" || r.status === "not-applicable") s.applicable++;
        if (r.status === "enforced") s.enforced++;
        else if (r.status === "gap") s.gaps++;
        else s.notApplicable++;
    }
    const total = (k: keyof ReturnType<typeof empty>) => Object.values(bySource).reduce((n, s) => n + s[k], 0);
    return { considered: total("considered"), applicable: total("applicable"), enforced: total("enforced"), notApplicable: total("notApplicable"), gaps: total("gaps"), bySource };
}

/** `CKV_AZURE_9` before `CKV_AZURE_10`, CKV before CKV2. */
function compareIds(a: string, b: string): number {
    const key = (id: string) => id.replace(/\d+/g, (n) => n.padStart(5, "0"));
    return key(a).localeCompare(key(b));
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();

function answerText(answer: RuleAnswer | undefined, levels: Map<string, string>): string {
    if (!answer) return "**no answer yet**";
    if ("policies" in answer) return `${answer.policies.map((p) => `\`${p}\` (${levels.get(p) ?? "?"})`).join(", ")}${answer.note ? `: ${answer.note}` : ""}`;
    if ("gap" in answer) return answer.gap;
    return answer.notApplicable;
}

const STATUS_LABEL: Record<Status, string> = {
    enforced: "enforced",
    "not-applicable": "does not apply",
    gap: "gap",
    "type-not-created": "type not created",
    "not-run-on-azure": "not run on Azure",
    "disabled-in-sat": "disabled in SAT",
};

/** The family a not-created type belongs to, for the grouped table: ARM namespace, or the azurerm service prefix. */
function family(types: string[]): string {
    const t = types[0] ?? "";
    if (t.startsWith("azurerm_")) return `azurerm_${t.slice("azurerm_".length).split("_")[0]}_* (Terraform)`;
    if (t.startsWith("parameter:")) return "template parameters";
    return t.split("/")[0] || "(none)";
}

function figuresComment(summary: CoverageSummary): string {
    return `<!-- coverage-figures ${JSON.stringify({ considered: summary.considered, applicable: summary.applicable, enforced: summary.enforced, notApplicable: summary.notApplicable, gaps: summary.gaps })} -->`;
}

/** The counts the page records (what tools/policy-docs.ts puts in the README), or undefined when the page has none. */
export function readFigures(markdown: string): Pick<CoverageSummary, "considered" | "applicable" | "enforced" | "notApplicable" | "gaps"> | undefined {
    const m = /<!-- coverage-figures (\{.*?\}) -->/.exec(markdown);
    return m ? JSON.parse(m[1]) : undefined;
}

/** The counts as the generator prints them. */
export function countsText(summary: CoverageSummary): string {
    const line = (label: string, s: { considered: number; applicable: number; enforced: number; notApplicable: number; gaps: number }) =>
        `${label}: ${s.considered} rules considered, ${s.applicable} about what the program creates: ${s.enforced} enforced, ${s.gaps} gap${s.gaps === 1 ? "" : "s"}; ${s.notApplicable} not applicable`;
    return [
        line("All", summary),
        line("  Checkov", summary.bySource.checkov),
        line("  Trivy", summary.bySource.trivy),
        line("  SAT", summary.bySource.sat),
    ].join("\n");
}

/** docs/coverage.md. */
export function renderCoverage(cov: Coverage, catalogs: Catalogs, policies: Policies = allPolicies): string {
    const levels = new Map(policies.map((p) => [p.name, p.enforcementLevel ?? "advisory"]));
    const { summary } = cov;
    const lines: string[] = [
        "# Coverage: public rule sets → the policy pack",
        "",
        "<!-- Generated by `npm run coverage` (tools/coverage.ts) from tools/scanner/catalog/*.json, policies/public-rules.ts and the dev and prod plans. Do not edit. -->",
        figuresComment(summary),
        "",
        "- [Summary](#summary)",
        "- [Checkov](#checkov)",
        "- [Trivy](#trivy)",
        "- [Databricks Security Analysis Tool](#databricks-security-analysis-tool)",
        "- [Rule sets and versions](#rule-sets-and-versions)",
        "",
        "## Summary",
        "",
        `${summary.considered} rules considered; ${summary.applicable} are about resources the program creates: the pack enforces ${summary.enforced}, ${summary.gaps} are gaps (no pack policy yet), and the rest do not apply, each with its reason. ${summary.notApplicable} rules do not apply in all (${summary.notApplicable - (summary.applicable - summary.enforced - summary.gaps)} of them are about resource types the program does not create, or SAT checks not run on Azure: grouped below).`,
        "",
        "| Rule set | Considered | About what the program creates | Enforced | Gaps | Do not apply (own reason) | Type not created / not run on Azure |",
        "|---|---|---|---|---|---|---|",
    ];
    for (const [source, label] of [["checkov", "Checkov"], ["trivy", "Trivy"], ["sat", "SAT"]] as const) {
        const s = summary.bySource[source];
        lines.push(`| ${label} | ${s.considered} | ${s.applicable} | ${s.enforced} | ${s.gaps} | ${s.applicable - s.enforced - s.gaps} | ${s.considered - s.applicable} |`);
    }
    lines.push(
        `| **All** | ${summary.considered} | ${summary.applicable} | ${summary.enforced} | ${summary.gaps} | ${summary.applicable - summary.enforced - summary.gaps} | ${summary.considered - summary.applicable} |`,
        "",
        "A rule is *enforced* when a pack policy flags what it flags (the level says whether a violation fails `pulumi preview`); Checkov's `arm` rules also run on the ARM export in `npm run scan` (docs/scanner.md), which fails when a Checkov failure is not flagged by the policy named here.",
        "",
        `Resource types the program creates (the ARM export of dev and prod): ${cov.createdTypes.map((t) => `\`${t}\``).join(", ")}. The Databricks, Entra ID and other non-Azure resources have no rules in Checkov or Trivy; SAT checks the running workspace they configure.`,
        "",
    );

    const typedSection = (source: "checkov" | "trivy", title: string, intro: string) => {
        const rows = cov.rows.filter((r) => r.source === source);
        lines.push(`## ${title}`, "", intro, "");
        const applicable = rows.filter((r) => r.status !== "type-not-created");
        lines.push(
            "### Rules about resources the program creates",
            "",
            `| Rule | ${source === "checkov" ? "Frameworks | " : ""}What it checks | Resource types | Status | Pack policy, or why not |`,
            `|---|${source === "checkov" ? "---|" : ""}---|---|---|---|`,
        );
        for (const r of applicable) {
            const types = r.types.filter((t) => cov.createdTypes.includes(t) || t.startsWith("parameter:"));
            lines.push(`| ${r.id} | ${source === "checkov" ? `${r.frameworks?.join(", ")} | ` : ""}${cell(r.name)} | ${types.map((t) => `\`${t}\``).join(", ")} | ${STATUS_LABEL[r.status]} | ${cell(answerText(r.answer, levels))} |`);
        }
        const prepared = rows.filter((r) => r.status === "type-not-created" && r.prepared);
        if (prepared.length > 0) {
            lines.push(
                "",
                "### Prepared: rules about types the ARM export knows but the program does not create yet",
                "",
                "The network, Key Vault and audit resources of SRA.md §2. These rows move up when the program creates the type; `npm test` then asks for each an answer.",
                "",
                "| Rule | What it checks | Resource types | Pack policy, or why not |",
                "|---|---|---|---|",
            );
            // The status column is left out: none of these applies yet.
            for (const r of prepared) lines.push(`| ${r.id} | ${cell(r.name)} | ${r.types.map((t) => `\`${t}\``).join(", ")} | ${r.answer ? cell(answerText(r.answer, levels)) : "no answer yet"} |`);
        }
        const rest = rows.filter((r) => r.status === "type-not-created" && !r.prepared);
        const groups = new Map<string, string[]>();
        for (const r of rest) groups.set(family(r.types), [...(groups.get(family(r.types)) ?? []), r.id]);
        lines.push("", "### Do not apply: resource types the program does not create", "", `${rest.length} rules, by the family of the resource type they inspect.`, "", "| Resource types | Rules |", "|---|---|");
        for (const [g, ids] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`| ${g} | ${ids.join(", ")} |`);
        lines.push("");
    };

    typedSection(
        "checkov",
        "Checkov",
        `Checkov ${catalogs.checkov.version}: its \`arm\` checks (resource, graph and parameter checks; these run on the ARM export in \`npm run scan\`) and its Azure \`terraform\` checks (\`CKV_AZURE_*\`, \`CKV2_AZURE_*\`; matched to ARM types through tools/scanner/catalog.ts \`AZURERM_TO_ARM\`), one row per rule id.`,
    );
    typedSection(
        "trivy",
        "Trivy",
        `The Azure checks of trivy-checks ${catalogs.trivy.version}. Trivy reads Terraform, ARM and Bicep into one cloud model; each check's resource type is what its input (\`input.azure.<service>.<collection>\`) describes.`,
    );

    const sat = cov.rows.filter((r) => r.source === "sat");
    lines.push(
        "## Databricks Security Analysis Tool",
        "",
        "SAT checks a running workspace through the Databricks APIs. Each check it runs on Azure is about the workspace the program creates and configures, so each has its own row.",
        "",
        "| Check | Category | What it checks | Severity | Status | Pack policy, or why not |",
        "|---|---|---|---|---|---|",
    );
    for (const r of sat.filter((x) => x.status !== "not-run-on-azure" && x.status !== "disabled-in-sat")) {
        lines.push(`| ${r.id} | ${r.category} | ${cell(r.name)} | ${r.severity} | ${STATUS_LABEL[r.status]} | ${cell(answerText(r.answer, levels))} |`);
    }
    const grouped = (status: Status) => sat.filter((r) => r.status === status).map((r) => r.id);
    lines.push(
        "",
        "| Do not apply | Checks |",
        "|---|---|",
        `| SAT does not run them on Azure | ${grouped("not-run-on-azure").join(", ")} |`,
        `| Disabled in SAT's list (enable = 0) | ${grouped("disabled-in-sat").join(", ")} |`,
        "",
    );

    const src = catalogs.sat.source;
    lines.push(
        "## Rule sets and versions",
        "",
        `- Checkov ${catalogs.checkov.version}, pinned in tools/scanner/requirements.txt; rules listed by tools/scanner/checkov_rules.py into tools/scanner/catalog/checkov.json (\`npm run scan\` fails when the installed Checkov differs from it).`,
        `- trivy-checks ${catalogs.trivy.version} (\`${catalogs.trivy.fetchedWith}\`, ${catalogs.trivy.sum}): the \`checks/cloud/azure\` Rego METADATA, in tools/scanner/catalog/trivy.json.`,
        `- Databricks Security Analysis Tool: [${src.path}](${src.url}) at commit ${src.commit}, read ${src.dateRead}, in tools/scanner/catalog/sat.json. ${src.note}`,
        "- The answers: policies/public-rules.ts (`CHECKOV_ANSWERS`, `TRIVY_ANSWERS`, `SAT_ANSWERS`). `npm run coverage -- --refresh` re-reads Checkov and Trivy.",
        "",
    );
    return lines.join("\n");
}

/** The page from the current program: plans dev and prod. */
export async function generate(catalogs = loadCatalogs()): Promise<{ page: string; cov: Coverage }> {
    // Required here so that importing this module does not load the program.
    const { plan } = require("./plan") as typeof import("./plan");
    const plans = [];
    for (const stack of ["dev", "prod"]) plans.push((await plan(stack)).document);
    const cov = coverage(catalogs, createdArmTypes(plans));
    return { page: renderCoverage(cov, catalogs), cov };
}

async function main(): Promise<number> {
    const args = process.argv.slice(2);
    if (args.includes("--refresh")) {
        const { ensureCheckov, checkovRules } = require("./scanner/checkov") as typeof import("./scanner/checkov");
        const install = ensureCheckov((line) => process.stderr.write(`coverage: ${line}\n`));
        writeCatalog("checkov.json", checkovRules(install));
        const i = args.indexOf("--trivy-version");
        const version = i >= 0 ? args[i + 1] : loadCatalogs().trivy.version;
        writeCatalog("trivy.json", fetchTrivyCatalog(version));
        process.stderr.write(`coverage: catalogs re-read (checkov ${install.version}, trivy-checks ${version})\n`);
    }
    const { page, cov } = await generate();
    if (cov.problems.length > 0) {
        process.stderr.write(`The coverage mapping is incomplete:\n${cov.problems.map((p) => `  - ${p}`).join("\n")}\n`);
        return 1;
    }
    if (args.includes("--check")) {
        const current = fs.existsSync(COVERAGE_PAGE) ? fs.readFileSync(COVERAGE_PAGE, "utf8") : "";
        if (current !== page) {
            process.stderr.write("docs/coverage.md is out of date: run `npm run coverage`\n");
            return 1;
        }
    } else {
        fs.mkdirSync(path.dirname(COVERAGE_PAGE), { recursive: true });
        fs.writeFileSync(COVERAGE_PAGE, page);
    }
    process.stdout.write(`${countsText(cov.summary)}\n${args.includes("--check") ? "docs/coverage.md is up to date" : "docs/coverage.md written"}\n`);
    return 0;
}

if (require.main === module) {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (err) => {
            process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
            process.exitCode = 1;
        },
    );
}
