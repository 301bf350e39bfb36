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
import { allPolicies } from "../policies/rules";
import { PolicyReport, hasMandatoryViolation, runPolicies, stackPolicyConfig } from "../policies/runner";
import { isConfigError } from "../components/settings/validate";
import { GrantsReport, grantsReport, renderGrantsReport } from "./grants-report";
import { PlanDiff, diffPlans, renderDiff } from "./diff";
import { providerAnswers } from "./verify/seam";
import { PlannedResource, ProgramRun, ROOT, runProgram } from "./harness";
import { renderMermaid } from "./mermaid";
import { ConfigOverride, StackConfigError, parseOverride, stackConfigNotes } from "./stack-config";

export interface PlanOptions {
    stack: string;
    overrides: ConfigOverride[];
    json: boolean;
    /** `--format mermaid`: print the architecture picture (tools/mermaid.ts) instead of the report. */
    mermaid?: boolean;
    /** `--diff-set` overrides: when present, print the diff between the plan without and with them. */
    diffSets: ConfigOverride[];
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

export const EXIT = { ok: 0, configRejected: 1, mandatoryViolation: 2, programFailed: 3 } as const;

export function parseArgs(argv: string[]): PlanOptions {
    const options: PlanOptions = { stack: "dev", overrides: [], json: false, diffSets: [] };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new StackConfigError(`${arg} needs a value`);
            return v;
        };
        if (arg === "--stack") options.stack = value();
        else if (arg.startsWith("--stack=")) options.stack = arg.slice("--stack=".length);
        else if (arg === "--set") options.overrides.push(parseOverride(value()));
        else if (arg.startsWith("--set=")) options.overrides.push(parseOverride(arg.slice("--set=".length)));
        else if (arg === "--format" || arg.startsWith("--format=")) {
            const format = arg === "--format" ? value() : arg.slice("--format=".length);
            if (format === "json") options.json = true;
            else if (format === "mermaid") options.mermaid = true;
            else if (format !== "text") throw new StackConfigError(`--format ${format}: expected text, json or mermaid`);
        } else if (arg === "--json") options.json = true;
        else if (arg === "--diff-set") options.diffSets.push(parseOverride(value()));
        else if (arg.startsWith("--diff-set=")) options.diffSets.push(parseOverride(arg.slice("--diff-set=".length)));
        else throw new StackConfigError(`unknown option ${arg} (options: --stack NAME, --set path=value, --diff-set path=value, --json)`);
    }
    return options;
}

/** Runs the program and the policies: everything the plan prints, as data. */
export async function plan(stack: string, overrides: ConfigOverride[] = []): Promise<{ run: ProgramRun; document: PlanDocument }> {
    const run = await runProgram({ stack, overrides });
    const policies = await runPolicies(allPolicies, run.resources, stackPolicyConfig(stack));
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

/** Plans the stack without and with `diffSets` and compares the two (config errors of either throw). */
export async function planDiff(stack: string, overrides: ConfigOverride[], diffSets: ConfigOverride[]): Promise<DiffDocument> {
    const before = await plan(stack, overrides);
    const after = await plan(stack, [...overrides, ...diffSets]);
    return {
        stack: after.document.stack,
        project: after.document.project,
        overrides,
        diffSets,
        // "Replace or update" from the providers built by `npm run verify`, with unknowns propagated.
        diff: diffPlans(before.document.resources, after.document.resources, await providerAnswers(before.run.resources, after.run.resources)),
        policies: after.document.policies,
    };
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
    const { checked, violations } = document.policies;
    lines.push("", `Policies: ${checked} checked, ${violations.length} violation${violations.length === 1 ? "" : "s"}`);
    for (const v of violations) lines.push(`  [${v.level}] ${v.policy}: ${v.message}${v.urn ? `\n      ${v.urn}` : ""}`);
    return lines.join("\n");
}

async function main(): Promise<number> {
    let options: PlanOptions;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return EXIT.configRejected;
    }
    // What comes from ESC environments and cannot be seen offline: on stderr, so --json stays one document.
    try {
        for (const note of stackConfigNotes(ROOT, options.stack)) process.stderr.write(`note: ${note}\n`);
    } catch {
        // A missing stack file is reported by the plan itself.
    }
    try {
        if (options.mermaid) {
            const { document } = await plan(options.stack, options.overrides);
            process.stdout.write(`${renderMermaid(document.resources)}\n`);
            return EXIT.ok;
        }
        if (options.diffSets.length > 0) {
            const doc = await planDiff(options.stack, options.overrides, options.diffSets);
            const title = `Blast radius on stack ${doc.stack} of ${doc.diffSets.map((o) => `pulumi config set --path ${o.path} ${o.value}`).join(" + ")}:`;
            process.stdout.write(options.json ? `${JSON.stringify(doc, null, 2)}\n` : `${renderDiff(doc.diff, title)}\n`);
            return hasMandatoryViolation(doc.policies) ? EXIT.mandatoryViolation : EXIT.ok;
        }
        const { run, document } = await plan(options.stack, options.overrides);
        process.stdout.write(options.json ? `${JSON.stringify(document, null, 2)}\n` : `${renderText(document)}\n`);
        // What the program logged (pulumi.log): after the report, or on stderr so --json stays one document.
        if (options.json) for (const d of run.diagnostics) process.stderr.write(`${d}\n`);
        else if (run.diagnostics.length > 0) process.stdout.write(`\nDiagnostics:\n${run.diagnostics.map((d) => `  ${d}`).join("\n")}\n`);
        return hasMandatoryViolation(document.policies) ? EXIT.mandatoryViolation : EXIT.ok;
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
