/**
 * Every generated section of the README and docs/, computed from the code and the real offline
 * plan: `npm run docs` writes them (tools/docs.ts) and tests/docs.test.ts fails when a page differs
 * from what this renders. The table of contents of each page (section `toc`) is rendered last, from
 * the page's headings after the other sections are in place.
 */
import { LakehouseConfig } from "../components/config";
import { policySummary, PlanDocument, plan, resolvedConfig } from "./plan";
import type { ProgramRun } from "./harness";
import { configReference } from "./config-docs";
import { costFigures, rateTable } from "./cost-docs";
import { criticalPath, formatSeconds } from "./critical-path";
import { renderGrantsReport } from "./grants-report";
import { architectureSection, renderMermaid } from "./mermaid";
import { packFigures, policyTable } from "./policy-docs";
import { Differ, RECIPES, docsDiffer, recipeSection } from "./recipe-docs";
import { readSection, sectionNames, tableOfContents, writeSection } from "./readme";
import { TRAINED } from "./scenarios";
import { parseOverride } from "./stack-config";
import { renderReachability } from "../policies/reachability";

/** Plans a stack with `--set` overrides (`path=value`); tests pass a memoized one. */
export type Planner = (stack: string, sets: string[]) => Promise<{ run: ProgramRun; document: PlanDocument }>;

const defaultPlanner: Planner = (stack, sets) => plan(stack, sets.map(parseOverride));

/** The stacks whose plan the README describes. */
export const DOC_STACKS = ["dev", "prod"] as const;

const APP_TYPE = "databricks:index/app:App";
const SERVING_TYPE = "databricks:index/modelServing:ModelServing";

function appText(config: LakehouseConfig, document: PlanDocument): string {
    const planned = document.resources.some((r) => r.type === APP_TYPE);
    if (planned) return `\`${config.app.name}\``;
    if (config.app.waitingForEndpoint !== undefined) return `none yet: waits for \`serving.endpoints.${config.app.waitingForEndpoint}\``;
    return "none (`app.enabled` is false)";
}

function servingText(config: LakehouseConfig, document: PlanDocument): string {
    const planned = document.resources.filter((r) => r.type === SERVING_TYPE).length;
    const declared = config.serving.endpoints.length;
    const off = config.serving.endpoints.filter((e) => !e.enabled).length;
    const split = config.serving.endpoints.find((e) => e.enabled && e.entities.length > 1);
    const traffic = split ? `, ${Object.entries(split.traffic).map(([k, v]) => `${k} ${v}%`).join(" / ")}` : "";
    return off === declared ? `none of ${declared}: off until the models are registered` : `${planned} of ${declared}${traffic}`;
}

/**
 * The README's table of what each stack's offline plan holds, and the pack's size: resources, the
 * serving endpoints, the app, protected resources and the policy verdicts, all from `plan()`.
 */
export async function stackFacts(planner: Planner = defaultPlanner): Promise<string> {
    const rows: string[] = [];
    for (const stack of DOC_STACKS) {
        const { run, document } = await planner(stack, []);
        const config = resolvedConfig(run);
        const protectedCount = document.resources.filter((r) => r.protect).length;
        const verdicts = policySummary(document.policies).replace(/^Policies: \d+ checked, /, "");
        rows.push(
            `| \`${stack}\` | ${document.resources.length} | ${servingText(config, document)} | ${appText(config, document)} | ${protectedCount} | ${verdicts} |`,
        );
    }
    const trained = await planner("dev", [...TRAINED]);
    const f = packFigures();
    const levels = Object.entries(f.byLevel)
        .map(([level, n]) => `${n} ${level}`)
        .join(", ");
    return [
        "| stack | resources | serving endpoints | app | protected | policy verdicts |",
        "|---|---|---|---|---|---|",
        ...rows,
        "",
        `Once its models are registered and both endpoints enabled, dev plans ${trained.document.resources.length} resources, the app included. ` +
            `The policy pack has ${f.total} policies (${levels}).`,
    ].join("\n");
}

/** What `pulumi preview` (and the offline plan, on stderr) says about the endpoints of each stack. */
export async function servingPreview(planner: Planner = defaultPlanner): Promise<string> {
    const lines: string[] = [];
    for (const stack of DOC_STACKS) {
        const { run } = await planner(stack, []);
        lines.push(`$ npm run plan -- --stack ${stack}    # on stderr, among the rest:`);
        lines.push(...run.diagnostics.filter((d) => /endpoint |^info: app /.test(d)));
    }
    return ["```text", ...lines, "```"].join("\n");
}

/** One run of a staged first deployment: the `--set` overrides that describe the stack after it. */
interface Run {
    stack: string;
    label: string;
    switches: string;
    sets: string[];
}

const CLASSIFIER_ON = ["serving.endpoints.classifier.enabled=true"];

/** The runs of a first deployment per stack, each after the one before it (the first from nothing). */
export const FIRST_DEPLOYMENT_RUNS: readonly Run[][] = [
    [
        { stack: "dev", label: "1", switches: "nothing: the stack file as it is (endpoints off)", sets: [] },
        { stack: "dev", label: "2", switches: "`serving.endpoints.classifier.enabled true`", sets: CLASSIFIER_ON },
        { stack: "dev", label: "3", switches: "`serving.endpoints.feedback.enabled true`", sets: [...TRAINED] },
    ],
    [
        { stack: "prod", label: "1", switches: "nothing: the stack file as it is (endpoints off)", sets: [] },
        { stack: "prod", label: "2", switches: "`serving.endpoints.classifier.enabled true`", sets: CLASSIFIER_ON },
        { stack: "prod", label: "3", switches: "`serving.endpoints.feedback.enabled true`", sets: [...TRAINED] },
    ],
    [{ stack: "prod", label: "all at once", switches: "both endpoints on in the first run (models promoted beforehand)", sets: [...TRAINED] }],
];

/** The modelled critical path of each run of a first deployment, and whether each fits in an hour. */
export async function firstDeploymentRuns(planner: Planner = defaultPlanner): Promise<string> {
    const rows: string[] = [];
    let staged = 0;
    let atOnce = 0;
    for (const runs of FIRST_DEPLOYMENT_RUNS) {
        let before = new Set<string>();
        for (const run of runs) {
            const { document } = await planner(run.stack, run.sets);
            const created = document.resources.filter((r) => !before.has(r.urn));
            const cp = criticalPath(created);
            const endpoints = created.filter((r) => r.type === SERVING_TYPE).map((r) => `endpoint ${r.name}`);
            const app = created.some((r) => r.type === APP_TYPE) ? ["the app"] : [];
            const what = [...endpoints, ...app].join(", ");
            rows.push(`| \`${run.stack}\` | ${run.label} | ${run.switches} | ${created.length}${what ? ` (${what})` : ""} | ${formatSeconds(cp.total.low)} – ${formatSeconds(cp.total.high)} |`);
            if (runs.length > 1) staged = Math.max(staged, cp.total.high);
            else atOnce = cp.total.high;
            before = new Set(document.resources.map((r) => r.urn));
        }
    }
    const hour = 3600;
    return [
        "| stack | run | switches | creates | modelled time, typical – worst |",
        "|---|---|---|---|---|",
        ...rows,
        "",
        `The longest staged run takes at most ${formatSeconds(staged)} (${staged < hour ? "within" : "beyond"} an hour); prod in one run up to ${formatSeconds(atOnce)} (${atOnce < hour ? "within" : "beyond"} an hour).`,
    ].join("\n");
}

/** The generated sections, per repository-relative file (the `toc` sections are added by `renderPages`). */
export async function generatedSections(planner: Planner = defaultPlanner, differ: Differ = docsDiffer): Promise<Record<string, Record<string, string>>> {
    const dev = await planner("dev", []);
    const trained = await planner("dev", [...TRAINED]);
    const recipes: Record<string, string> = {};
    for (const recipe of RECIPES) recipes[`recipe-${recipe.id}`] = await recipeSection(recipe, differ);
    return {
        "README.md": { "stack-facts": await stackFacts(planner) },
        "docs/configuration.md": { config: configReference() },
        "docs/architecture.md": { architecture: architectureSection(renderMermaid(trained.document.resources)) },
        "docs/grants-and-policies.md": {
            "grants-report": ["```text", "$ npm run plan -- --stack dev", "…", ...renderGrantsReport(dev.document.grants, dev.document.principalRoles), "…", "```"].join("\n"),
            policies: policyTable(),
        },
        "docs/serving.md": { "serving-preview": await servingPreview(planner) },
        "docs/operations.md": { "first-deployment-runs": await firstDeploymentRuns(planner) },
        "docs/recipes.md": recipes,
        "docs/networking.md": { "network-plan": await networkPlan(planner) },
        "docs/cost.md": { "cost-figures": await costFigures(planner, differ), "cost-rates": rateTable() },
    };
}

/** Components of the network concern, as the plan registers them. */
const NETWORK_COMPONENTS = ["lakehouse:network:LakehouseNetwork", "lakehouse:network:PrivateAccess", "lakehouse:network:ServerlessAccess", "lakehouse:security:AuditLogging", "lakehouse:security:WorkspaceHardening"];

/** Per stack (as shipped, and with the models registered): what the network concern creates, and the reachability table. */
export async function networkPlan(planner: Planner = defaultPlanner): Promise<string> {
    const out: string[] = [];
    for (const stack of DOC_STACKS) {
        const { run, document } = await planner(stack, [...TRAINED]);
        const config = resolvedConfig(run);
        const components = document.resources.filter((r) => NETWORK_COMPONENTS.includes(r.type));
        const counts = components.map((c) => `${c.name} ${document.resources.filter((r) => r.parent === c.urn).length}`);
        out.push(
            `**${stack}** — posture \`${config.network.posture}\`, serverless access \`${config.network.serverlessAccess}\`; ` +
                `resources of the network and security components: ${counts.join(", ")} (of ${document.resources.length} in all, endpoints on):`,
            "",
            "```text",
            `$ npm run plan -- --stack ${stack}${TRAINED.map((t) => ` --set ${t}`).join("")}`,
            "…",
            ...renderReachability(document.reachability),
            "…",
            "```",
            "",
        );
    }
    return out.join("\n").trimEnd();
}

/**
 * The pages as they should read: each file's generated sections written, then its table of
 * contents (section `toc`) rendered from its headings. `texts` maps file → current text.
 */
export function renderPages(texts: Record<string, string>, sections: Record<string, Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [file, text] of Object.entries(texts)) {
        let page = text;
        for (const [name, content] of Object.entries(sections[file] ?? {})) {
            try {
                page = writeSection(page, name, content);
            } catch (err) {
                throw new Error(`${file}: ${(err as Error).message}`);
            }
        }
        if (sectionNames(page).includes("toc")) page = writeSection(page, "toc", tableOfContents(page));
        out[file] = page;
    }
    return out;
}

/** Sections a page has markers for but nothing generates, and generated sections without markers. */
export function orphanSections(texts: Record<string, string>, sections: Record<string, Record<string, string>>): string[] {
    const problems: string[] = [];
    for (const [file, text] of Object.entries(texts)) {
        for (const name of sectionNames(text)) {
            if (name !== "toc" && !(name in (sections[file] ?? {}))) problems.push(`${file}: <!-- ${name}:start --> has no generator`);
        }
    }
    for (const [file, names] of Object.entries(sections)) {
        for (const name of Object.keys(names)) {
            if (texts[file] === undefined || readSection(texts[file], name) === undefined) problems.push(`${file}: no <!-- ${name}:start --> markers for a generated section`);
        }
    }
    return problems;
}
