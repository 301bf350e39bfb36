/**
 * The offline plan: runs the real program under Pulumi's mocks with a stack's config and prints
 * what `pulumi preview` would create, with the policy verdicts. No cloud account, no Pulumi CLI.
 *
 *   npm run plan -- [--stack dev] [--set path=value ...] [--json]
 *   npm run plan -- --format mermaid      (the component and resource graph as a Mermaid flowchart)
 *   npm run plan -- --stack prod --diff-set serving.traffic.challenger=50 --diff-set serving.traffic.champion=50
 *
 * With `--diff-set` (repeatable) it plans the stack as it is and again with those overrides, and
 * prints the blast radius of that `pulumi config set`: which resources' inputs change, field by
 * field, and whether any change replaces a resource (`tools/diff.ts`, `tools/replacement.ts`).
 *
 * Exit status: 0 plan ok · 1 config rejected (stderr names the key) · 2 a mandatory policy violated
 * (the report is still printed) · 3 the program failed for another reason (e.g. duplicate URNs).
 */
import { CostBasis } from "../policies/cost/basis";
import { CostEstimate, estimateCost } from "../policies/cost/estimate";
import { BudgetView, renderCost } from "../policies/cost/render";
import { Reachability, reachability, renderReachability } from "../policies/reachability";
import { allPolicies } from "../policies/rules";
import { costWithinBudget, policyBasis } from "../policies/rules/cost";
import { PolicyReport, hasMandatoryViolation, runPolicies, stackPolicyConfig } from "../policies/runner";
import { LOCATION_KEY, LakehouseConfig, resolveConfig } from "../components/config";
import { dormantFor, dormantSettings } from "../components/settings/dormant";
import { NAMESPACE, isConfigError } from "../components/settings/validate";
import { GrantsReport, grantsReport, renderGrantsReport } from "./grants-report";
import { PlanDiff, diffPlans, renderDiff } from "./diff";
import { providerAnswers } from "./verify/seam";
import { renderArm } from "./arm";
import { MOCK_TENANT, PlannedResource, ProgramRun, ROOT, runProgram } from "./harness";
import { renderMermaid } from "./mermaid";
import { QuotaDemand, quotaDemand, renderQuota } from "./quota";
import { ConfigOverride, StackConfigError, parseOverride, stackConfigNotes } from "./stack-config";

/** What the plan prints: the report, the JSON document, or the architecture picture. */
export const FORMATS = ["text", "json", "mermaid", "arm"] as const;
export type PlanFormat = (typeof FORMATS)[number];

export interface PlanOptions {
    stack: string;
    overrides: ConfigOverride[];
    format: PlanFormat;
    /** `--diff-set` overrides: when present, print the diff between the plan without and with them. */
    diffSets: ConfigOverride[];
    /** `--help`: print the usage and exit 0. */
    help: boolean;
}

/** The JSON document of the plan (the contract in DESIGN.md). */
export interface PlanDocument {
    stack: string;
    project: string;
    resources: Omit<PlannedResource, "rawInputs" | "secretInputs" | "importId">[];
    outputs: Record<string, unknown>;
    policies: PolicyReport;
    /** Per principal, per securable: the Unity Catalog privileges the registered grants give (granted and inherited). */
    grants: GrantsReport;
    /** Principal → the role that names it (`pipeline`, `app`, or a role of `lakehouse:principals`). */
    principalRoles: Record<string, string>;
    /** vCPUs per Azure VM family the stack's classic clusters need at once: check the subscription's quota first. */
    quota: QuotaDemand;
    /** Which compute reaches which storage account, and how; how exposed each account is to the internet. */
    reachability: Reachability;
    /** The monthly cost, idle and active, line by line with rate, quantity and assumption; the budget beside it. */
    cost: CostReport;
    /**
     * What must exist before `pulumi up`, outside this program: the model versions enabled endpoints
     * serve. A fresh stack needs none (a test holds the shipped stack files to that).
     */
    preconditions: string[];
}

/** The plan's cost section: the estimate, the basis it priced with, and the stack's budget. */
export interface CostReport extends CostEstimate {
    basis: CostBasis;
    /** Absent when the stack sets no budget (`lakehouse:cost.budget.amount` 0). */
    budget?: BudgetView;
}

/** The estimate of a run's resources with the stack's basis, and its budget. */
export function costReport(resources: readonly PlannedResource[], config: Pick<LakehouseConfig, "cost">): CostReport {
    const { basis, budget } = config.cost;
    const estimate = estimateCost(
        resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, inputs: r.rawInputs, dependencies: r.dependencies })),
        basis,
    );
    return { ...estimate, basis, ...(budget.amount > 0 ? { budget: { name: budget.name, amount: budget.amount } } : {}) };
}

/**
 * A note when the budget rules would price with another basis than the plan: they read their policy
 * config, not the stack's (undefined when both agree).
 */
export function costBasisNote(stack: string, basis: CostBasis): string | undefined {
    const entry = stackPolicyConfig(stack)[costWithinBudget.name];
    const { basis: policy } = policyBasis(typeof entry === "object" ? (entry as { usage?: unknown; rates?: unknown }) : {});
    if (JSON.stringify(policy) === JSON.stringify(basis)) return undefined;
    return `lakehouse:cost.usage or .rates differ from the usage and rates of policies/config/${stack}.json (cost-estimate-within-budget and cost-estimate-within-budget-margin): the budget rules will price with theirs; repeat the stack's there`;
}

/** The model versions the enabled endpoints serve: Databricks refuses an endpoint whose version is not registered. */
export function preconditions(config: Pick<LakehouseConfig, "serving" | "catalog">): string[] {
    const gold = config.catalog.schemas.gold;
    return config.serving.endpoints
        .filter((e) => e.enabled)
        .flatMap((e) => e.entities.map((x) => `model ${config.catalog.name}.${gold}.${x.model} version ${x.version} registered (serving.endpoints.${e.key}.entities.${x.name})`));
}

/** Which role each principal is: the platform's service principals from the outputs, declared ones from config. */
export function principalRoles(run: Pick<ProgramRun, "outputs" | "config" | "project">): Record<string, string> {
    const roles: Record<string, string> = {};
    const declared = run.config[`${run.project}:principals`];
    if (typeof declared === "object" && declared !== null) {
        for (const [role, principal] of Object.entries(declared as Record<string, Record<string, unknown>>)) {
            const name = Object.values(principal ?? {}).find((v) => typeof v === "string");
            if (typeof name === "string") roles[name] = role;
        }
    }
    for (const [output, role] of [["pipelineApplicationId", "pipeline"], ["appServicePrincipal", "app"]] as const) {
        const id = run.outputs[output];
        if (typeof id === "string" && id !== "") roles[id] = role;
    }
    return roles;
}

/** Every option, as `--help` and the unknown-option error list them. */
export const USAGE = `Usage: npm run plan -- [options]

The offline plan: runs the program under Pulumi's mocks with a stack's config and prints what
pulumi preview would create, with the policy verdicts. No cloud account, no Pulumi CLI.

Options:
  --stack NAME           the stack whose Pulumi.NAME.yaml is read (default: dev)
  --set PATH=VALUE       override one config value, as pulumi config set --path PATH VALUE (repeatable)
  --diff-set PATH=VALUE  print the blast radius of that config change instead of the plan (repeatable)
  --format FORMAT        ${FORMATS.join(" | ")} (default: text)
                           text     the resource tree, outputs, grants report, monthly cost and policy verdicts
                           json     one JSON document (also with --diff-set)
                           mermaid  the architecture picture as a Mermaid flowchart
                           arm      the Azure resources as an ARM deployment template (for scanners)
  --json                 the same as --format json
  -h, --help             print this help

Only the document goes to stdout; notes and the program's diagnostics go to stderr.
Exit status: 0 plan ok, 1 config or options rejected, 2 a mandatory policy violated, 3 the program failed.`;

/** Formats that `--diff-set` can print (the diff has no picture). */
const DIFF_FORMATS: readonly PlanFormat[] = ["text", "json"];

export const EXIT = { ok: 0, configRejected: 1, mandatoryViolation: 2, programFailed: 3 } as const;

/** Thrown for command-line options the plan refuses (exit 1, like a rejected config). */
export class UsageError extends Error {
    constructor(message: string) {
        super(`${message}\n\n${USAGE}`);
        this.name = "UsageError";
    }
}

export function parseArgs(argv: string[]): PlanOptions {
    const options: PlanOptions = { stack: "dev", overrides: [], format: "text", diffSets: [], help: false };
    let formatGiven: string | undefined;
    const setFormat = (format: string, spelled: string) => {
        if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`${spelled}: unknown format (expected one of ${FORMATS.join(", ")})`);
        if (formatGiven !== undefined && options.format !== format) throw new UsageError(`${spelled} conflicts with ${formatGiven}: choose one output format`);
        options.format = format as PlanFormat;
        formatGiven = spelled;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        const value = () => {
            if (eq > 0) return arg.slice(eq + 1);
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${name} needs a value`);
            return v;
        };
        switch (name) {
            case "--stack":
                options.stack = value();
                break;
            case "--set":
                options.overrides.push(parseOverride(value()));
                break;
            case "--diff-set":
                options.diffSets.push(parseOverride(value()));
                break;
            case "--format": {
                const format = value();
                setFormat(format, `--format ${format}`);
                break;
            }
            case "--json":
                setFormat("json", "--json");
                break;
            case "-h":
            case "--help":
                options.help = true;
                break;
            default:
                throw new UsageError(`unknown option ${arg}`);
        }
    }
    if (options.diffSets.length > 0 && !DIFF_FORMATS.includes(options.format)) {
        throw new UsageError(`--diff-set conflicts with ${formatGiven}: a diff prints as ${DIFF_FORMATS.join(" or ")}`);
    }
    return options;
}

/** Runs the program and the policies: everything the plan prints, as data. */
export async function plan(stack: string, overrides: ConfigOverride[] = []): Promise<{ run: ProgramRun; document: PlanDocument }> {
    const run = await runProgram({ stack, overrides });
    const policies = await runPolicies(allPolicies, run.resources, stackPolicyConfig(stack));
    const config = resolvedConfig(run);
    const document: PlanDocument = {
        stack: run.stack,
        project: run.project,
        resources: run.resources.map(({ urn, type, name, parent, provider, inputs, dependencies, protect }) => ({
            urn,
            type,
            name,
            parent,
            provider,
            inputs,
            dependencies,
            protect,
        })),
        outputs: run.outputs,
        policies,
        grants: grantsReport(run.resources),
        principalRoles: principalRoles(run),
        quota: quotaDemand(run.resources, String(run.config[LOCATION_KEY] ?? "")),
        preconditions: preconditions(config),
        reachability: reachability(run.resources.map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: r.rawInputs, dependencies: r.dependencies.map((urn) => ({ urn })) }))),
        cost: costReport(run.resources, config),
    };
    return { run, document };
}

/** The JSON document of `--diff-set` mode: the diff, and the policy verdicts of the changed stack. */
export interface DiffDocument {
    stack: string;
    project: string;
    /** `--set` overrides applied to both plans. */
    overrides: ConfigOverride[];
    /** The overrides whose blast radius this is. */
    diffSets: ConfigOverride[];
    diff: PlanDiff;
    policies: PolicyReport;
}

/**
 * Plans the stack without and with `diffSets` and compares the two (config errors of either throw).
 * `askProviders: false` leaves out the providers `npm run verify` built (generated docs must not depend
 * on whether this machine has built them).
 */
export async function planDiff(stack: string, overrides: ConfigOverride[], diffSets: ConfigOverride[], { askProviders = true } = {}): Promise<DiffDocument> {
    const before = await plan(stack, overrides);
    const after = await plan(stack, [...overrides, ...diffSets]);
    const dormant = dormantSettings(resolvedConfig(after.run));
    // "Replace or update" from the providers `npm run verify` has built, with unknowns propagated.
    const diff = diffPlans(before.run.resources, after.run.resources, await providerAnswers(before.run.resources, after.run.resources, { askProviders }));
    diff.dormant = diffSets.flatMap(({ path }) => {
        const found = dormantFor(path, dormant);
        return found ? [{ path, reason: found.reason }] : [];
    });
    diff.cost = { before: before.document.cost.totals, after: after.document.cost.totals };
    return {
        stack: after.document.stack,
        project: after.document.project,
        overrides,
        diffSets,
        diff,
        policies: after.document.policies,
    };
}

/** The validated config of a finished run (what the program itself resolved from the same values). */
export function resolvedConfig(run: Pick<ProgramRun, "config" | "project" | "stack">): LakehouseConfig {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(run.config)) if (key.startsWith(`${NAMESPACE}:`)) raw[key.slice(NAMESPACE.length + 1)] = value;
    return resolveConfig(raw, run.config[LOCATION_KEY], { project: run.project, stack: run.stack, now: new Date() });
}

/** A short one-line summary of a resource's inputs for the text report. */
function keyInputs(inputs: Record<string, unknown>): string {
    const text = Object.entries(inputs)
        .filter(([k]) => !["tags", "location", "resourceGroupName"].includes(k))
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The resource tree, key inputs and policy verdicts, as a person reads them. */
export function renderText(document: PlanDocument): string {
    const lines: string[] = [];
    const children = new Map<string, PlanDocument["resources"]>();
    for (const r of document.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const walk = (parent: string, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = r.protect ? "protected" : "";
            lines.push(`${"  ".repeat(depth)}+ ${r.type}  ${r.name}${flags ? `  [${flags}]` : ""}`);
            const summary = keyInputs(r.inputs);
            if (summary && !r.type.startsWith("lakehouse:") && r.type !== "pulumi:pulumi:Stack") lines.push(`${"  ".repeat(depth + 2)}${summary}`);
            walk(r.urn, depth + 1);
        }
    };
    lines.push(`Plan of stack ${document.stack} (project ${document.project}): ${document.resources.length} resources`, "");
    walk("", 0);
    lines.push("", "Outputs:");
    for (const [k, v] of Object.entries(document.outputs)) lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    lines.push("", ...renderGrantsReport(document.grants, document.principalRoles));
    lines.push("", ...renderReachability(document.reachability));
    if (document.preconditions.length > 0) lines.push("", "Before pulumi up (outside this program):", ...document.preconditions.map((p) => `  ${p}`));
    lines.push("", ...renderQuota(document.quota));
    lines.push("", ...renderCost(document.cost, document.cost.budget));
    lines.push("", ...policyLines(document.policies, ["mandatory", "advisory"]));
    return lines.join("\n");
}

/**
 * `--diff-set`'s text: the blast radius, and when the policy pack refuses the plan with the change
 * (exit 2), why: the mandatory violations after it.
 */
export function renderDiffDocument(doc: DiffDocument): string {
    const title = `Blast radius on stack ${doc.stack} of ${doc.diffSets.map((o) => `pulumi config set --path ${o.path} ${o.value}`).join(" + ")}:`;
    const refusal = hasMandatoryViolation(doc.policies) ? ["", "With the change, the policy pack refuses the plan:", ...policyLines(doc.policies, ["mandatory"])] : [];
    return [renderDiff(doc.diff, title), ...refusal].join("\n");
}

/** The policy summary line and each violation of the given levels, as the text report prints them. */
export function policyLines(report: PolicyReport, levels: readonly string[]): string[] {
    const violations = report.violations.filter((v) => levels.includes(v.level));
    return [policySummary(report), ...violations.map((v) => `  [${v.level}] ${v.policy}: ${v.message}${v.urn ? `\n      ${v.urn}` : ""}`)];
}

/** `Policies: 53 checked, 0 mandatory violations, 5 advisory` — mandatory ones fail the preview, advisory ones only warn. */
export function policySummary({ checked, violations }: PolicyReport): string {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const advisory = violations.filter((v) => v.level === "advisory").length;
    return `Policies: ${checked} checked, ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"}, ${advisory} advisory`;
}

async function main(): Promise<number> {
    let options: PlanOptions;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return EXIT.configRejected;
    }
    if (options.help) {
        process.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    // Only the document goes to stdout (`npm run plan -- --json | jq`): notes and diagnostics go to stderr.
    const note = (text: string) => process.stderr.write(`${text}\n`);
    try {
        // What comes from ESC environments and cannot be seen offline.
        for (const text of stackConfigNotes(ROOT, options.stack)) note(`note: ${text}`);
        if (Object.keys(stackPolicyConfig(options.stack)).length === 0) {
            note(`note: no policies/config/${options.stack}.json: the pack judges with its defaults (no declared role may read data); npm run policy-config -- --stack ${options.stack} --write derives one from the stack config`);
        }
        if (options.diffSets.length > 0) {
            const doc = await planDiff(options.stack, options.overrides, options.diffSets);
            process.stdout.write(options.format === "json" ? `${JSON.stringify(doc, null, 2)}\n` : `${renderDiffDocument(doc)}\n`);
            return hasMandatoryViolation(doc.policies) ? EXIT.mandatoryViolation : EXIT.ok;
        }
        const { run, document } = await plan(options.stack, options.overrides);
        const basisNote = costBasisNote(options.stack, document.cost.basis);
        if (basisNote) note(`note: ${basisNote}`);
        if (options.format === "json") for (const w of document.cost.warnings) note(`warning: ${w}`);
        const rendered: Record<PlanFormat, () => string> = {
            text: () => renderText(document),
            json: () => JSON.stringify(document, null, 2),
            mermaid: () => renderMermaid(document.resources),
            arm: () => renderArm(document.resources, { tenantId: MOCK_TENANT }),
        };
        process.stdout.write(`${rendered[options.format]()}\n`);
        // What the program logged (pulumi.log), as pulumi preview shows it below the resources.
        for (const d of run.diagnostics) note(d);
        return (options.format === "text" || options.format === "json") && hasMandatoryViolation(document.policies) ? EXIT.mandatoryViolation : EXIT.ok;
    } catch (err) {
        if (isConfigError(err) || err instanceof StackConfigError) {
            process.stderr.write(`${err.message}\n`);
            return EXIT.configRejected;
        }
        const known = err instanceof Error && ["ProgramError", "DuplicateUrnError"].includes(err.name);
        process.stderr.write(known ? `${(err as Error).message}\n` : `The program failed: ${(err as Error).stack ?? err}\n`);
        return EXIT.programFailed;
    }
}

if (require.main === module) {
    // exitCode, not process.exit(): exiting at once truncates stdout to a pipe at 64 KiB (the --json document).
    main().then((code) => {
        process.exitCode = code;
    });
}
