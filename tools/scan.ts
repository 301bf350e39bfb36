/**
 * `npm run scan`: an independent scanner over what the program creates. Plans dev and prod
 * offline (tools/plan.ts), exports each plan's Azure resources as an ARM template (tools/arm.ts),
 * runs the pinned Checkov (`--framework arm`, installed on first use: tools/scanner/checkov.ts)
 * over both, applies the committed skip list (policies/scanner/checkov-skips.yaml) and prints per
 * stack what passed, failed and was skipped, each failure with the pack policy that flags the
 * same resource in the same stack's plan.
 *
 *   npm run scan [-- --stack dev --stack prod] [--gate prod] [--out DIR]
 *
 * The scan fails (exit 1) when the gate stack (prod) has a failure the skip list does not cover,
 * when any failure on any stack has no pack policy that flags the same resource, when Checkov
 * could not load a template or loaded fewer resources than it holds, when a skip entry matches no
 * failure, or when the installed Checkov's rules differ from the catalog behind docs/coverage.md.
 * The last line is `N passed, N failed`: one result per stack and Checkov rule, failed when it
 * fails the scan (a dev failure that a pack policy flags is reported, not failed).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHECKOV_ANSWERS, answerPolicies } from "../policies/public-rules";
import { ArmTemplate, armTemplate } from "./arm";
import { MOCK_TENANT } from "./harness";
import { productionPolicies } from "../policies/rules";
import { PlanDocument, plan, resolvedConfig } from "./plan";
import { CheckovReport, CheckovResult, checkovRules, ensureCheckov, runCheckov } from "./scanner/checkov";
import { SkipEntry, loadSkips } from "./scanner/skips";
import { catalogDrift, loadCatalogs } from "./scanner/catalog";

export interface ScanOptions {
    stacks: string[];
    /** The stack whose unskipped failures fail the scan. */
    gate: string;
    /** Keep the templates in this folder (default: a temporary folder, removed afterwards). */
    out?: string;
}

export function parseScanArgs(argv: string[]): ScanOptions {
    const options: ScanOptions = { stacks: [], gate: "prod" };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${arg} needs a value`);
            return v;
        };
        if (arg === "--stack") options.stacks.push(value());
        else if (arg === "--gate") options.gate = value();
        else if (arg === "--out") options.out = value();
        else throw new Error(`unknown option ${arg} (options: --stack NAME (repeatable), --gate NAME, --out DIR)`);
    }
    if (options.stacks.length === 0) options.stacks = ["dev", "prod"];
    return options;
}

/** Pack policies that judge production stacks only. */
const PRODUCTION_ONLY: readonly string[] = productionPolicies.map((p) => p.name);

/** One Checkov failure as the scan reports it. */
export interface ScanFailure {
    stack: string;
    rule: string;
    ruleName: string;
    /** `Microsoft.Storage/storageAccounts.name`, as Checkov names it. */
    resource: string;
    urn: string;
    /** Pack policies the coverage mapping names for the rule. */
    mapped: readonly string[];
    /** The mapped policies that flag this resource in this stack's plan, with their level. */
    flaggedBy: { policy: string; level: string }[];
    /**
     * Set on a development stack when every mapped policy applies to production only: the pack is
     * silent there by design, so the failure is expected, not a disagreement.
     */
    productionOnly?: boolean;
    skip?: SkipEntry;
}

export interface StackResult {
    stack: string;
    /** Rule → verdict over the stack's resources. */
    rules: Map<string, "passed" | "failed" | "skipped">;
}

export interface ScanResult {
    version: string;
    stacks: StackResult[];
    failures: ScanFailure[];
    /** Problems that fail the scan, each one line. */
    errors: string[];
    /** Per stack and rule: whether the result fails the scan. */
    gate: { passed: number; failed: number };
}

/**
 * Judges Checkov's report against the plans, the skip list and the coverage mapping. Pure: the
 * scan's verdicts without running anything (tests feed it reports).
 */
export function judge(
    report: CheckovReport,
    stacks: { stack: string; production: boolean; document: Pick<PlanDocument, "policies">; template: ArmTemplate; file: string }[],
    skips: SkipEntry[],
    gateStack: string,
    answers = CHECKOV_ANSWERS,
    productionOnlyPolicies: readonly string[] = PRODUCTION_ONLY,
): ScanResult {
    const errors: string[] = [];
    // Problems that are not one stack×rule result (loading, stray results, stale skips): each counts as one failed result.
    let standalone = 0;
    const problem = (message: string) => {
        errors.push(message);
        standalone++;
    };
    for (const e of report.parsingErrors) problem(`Checkov could not parse ${e}`);
    const expected = stacks.reduce((n, s) => n + s.template.resources.length, 0);
    if (report.resourceCount !== expected) problem(`Checkov loaded ${report.resourceCount} resources, the templates hold ${expected}: some resource was not read`);

    const stackOf = (r: CheckovResult) => stacks.find((s) => path.resolve(r.file_abs_path ?? r.file_path) === path.resolve(s.file) || r.file_path.endsWith(`/${s.stack}/${path.basename(s.file)}`));
    const urnOf = (s: (typeof stacks)[number], resource: string) => s.template.resources.find((r) => `${r.type}.${r.name}` === resource)?.comments ?? "";
    const results: StackResult[] = stacks.map((s) => ({ stack: s.stack, rules: new Map() }));
    const failures: ScanFailure[] = [];
    const used = new Set<SkipEntry>();

    const verdict = (stack: string, rule: string, v: "passed" | "failed" | "skipped") => {
        const rules = results.find((r) => r.stack === stack)!.rules;
        const order = { passed: 0, skipped: 1, failed: 2 } as const;
        const before = rules.get(rule);
        if (before === undefined || order[v] > order[before]) rules.set(rule, v);
    };
    for (const r of report.passed) {
        const s = stackOf(r);
        if (!s) problem(`a Checkov result for ${r.file_path} belongs to no scanned stack`);
        else verdict(s.stack, r.check_id, "passed");
    }
    for (const r of [...report.failed, ...report.skipped]) {
        const s = stackOf(r);
        if (!s) {
            problem(`a Checkov result for ${r.file_path} belongs to no scanned stack`);
            continue;
        }
        const urn = urnOf(s, r.resource);
        const mapped = answerPolicies(answers[r.check_id]);
        const flaggedBy = s.document.policies.violations.filter((v) => v.urn === urn && mapped.includes(v.policy)).map((v) => ({ policy: v.policy, level: v.level }));
        const skip = skips.find((k) => k.rule === r.check_id && k.stacks.includes(s.stack));
        if (skip) used.add(skip);
        const productionOnly = !s.production && mapped.length > 0 && mapped.every((p) => productionOnlyPolicies.includes(p)) ? true : undefined;
        failures.push({ stack: s.stack, rule: r.check_id, ruleName: r.check_name, resource: r.resource, urn, mapped, flaggedBy: dedupe(flaggedBy), productionOnly, skip });
        verdict(s.stack, r.check_id, skip ? "skipped" : "failed");
    }

    for (const f of failures) {
        if (f.skip) continue;
        if (f.mapped.length === 0) {
            const answer = answers[f.rule];
            errors.push(`${f.stack}: ${f.rule} fails on ${f.resource} and no pack policy flags it${answer && "gap" in answer ? ` (docs/coverage.md lists it as a gap: ${answer.gap})` : answer && "notApplicable" in answer ? ` (policies/public-rules.ts says it does not apply: ${answer.notApplicable})` : " (policies/public-rules.ts has no answer for it)"}`);
        } else if (f.flaggedBy.length === 0 && !f.productionOnly) {
            errors.push(`${f.stack}: ${f.rule} fails on ${f.resource}, but ${f.mapped.join(" / ")} does not flag it in the plan: the pack and Checkov read the resource differently`);
        }
        if (f.stack === gateStack) errors.push(`${f.stack}: ${f.rule} fails on ${f.resource} (${f.ruleName}); fix it, or add a skip entry with its reason to policies/scanner/checkov-skips.yaml`);
    }
    const scanned = stacks.map((s) => s.stack);
    for (const k of skips) {
        for (const stack of k.stacks.filter((st) => scanned.includes(st))) {
            if (!failures.some((f) => f.skip === k && f.stack === stack)) problem(`policies/scanner/checkov-skips.yaml: ${k.rule} is skipped on ${stack} but does not fail there any more; remove the entry`);
        }
    }

    let passed = 0;
    let failed = 0;
    for (const r of results) {
        for (const [rule, v] of r.rules) {
            const failing = failures.filter((f) => f.stack === r.stack && f.rule === rule && !f.skip);
            const fails = v === "failed" && (r.stack === gateStack || failing.some((f) => f.flaggedBy.length === 0 && !f.productionOnly));
            if (fails) failed++;
            else passed++;
        }
    }
    failed += standalone;
    const order = (f: ScanFailure) => `${String(stacks.findIndex((st) => st.stack === f.stack)).padStart(3, "0")} ${f.rule.replace(/\d+/g, (n) => n.padStart(5, "0"))} ${f.resource}`;
    failures.sort((a, b) => order(a).localeCompare(order(b)));
    return { version: report.version, stacks: results, failures, errors, gate: { passed, failed } };
}

function dedupe<T>(items: T[]): T[] {
    const seen = new Set<string>();
    return items.filter((i) => {
        const k = JSON.stringify(i);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}

function table(rows: string[][]): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd());
}

/** The report as a person reads it; ends with `N passed, N failed`. */
export function renderScan(result: ScanResult, gateStack: string, extra: string[] = []): string {
    const lines: string[] = [`Checkov ${result.version} (framework arm) over the ARM export of ${result.stacks.map((s) => s.stack).join(" and ")}`, ""];
    const count = (s: StackResult, v: string) => [...s.rules.values()].filter((x) => x === v).length;
    lines.push("Per stack, each Checkov rule that ran: passed on every resource it inspects, failed on one, or skipped (skip list).");
    lines.push(...table([["stack", "passed", "failed", "skipped"], ...result.stacks.map((s) => [s.stack, String(count(s, "passed")), String(count(s, "failed")), String(count(s, "skipped"))])]));
    const failing = result.failures.filter((f) => !f.skip);
    if (failing.length > 0) {
        lines.push("", "Failures (each with the pack policy that flags the same resource in the same stack's plan):");
        lines.push(
            ...table([
                ["stack", "rule", "resource", "pack policy"],
                ...failing.map((f) => [
                    f.stack,
                    f.rule,
                    f.resource,
                    f.flaggedBy.length > 0
                        ? f.flaggedBy.map((p) => `${p.policy} (${p.level})`).join(", ")
                        : f.productionOnly
                          ? `production only: ${f.mapped.join(", ")}`
                          : f.mapped.length > 0
                            ? `NOT FLAGGED: ${f.mapped.join(", ")}`
                            : "NONE",
                ]),
            ]),
        );
    }
    const skipped = result.failures.filter((f) => f.skip);
    if (skipped.length > 0) {
        lines.push("", "Skipped (policies/scanner/checkov-skips.yaml):");
        lines.push(...table([["stack", "rule", "resource", "reason"], ...skipped.map((f) => [f.stack, f.rule, f.resource, f.skip!.reason])]));
    }
    if (result.errors.length > 0) {
        lines.push("", `The scan fails (${gateStack} is the gate stack):`);
        for (const e of result.errors) lines.push(`  - ${e}`);
    }
    lines.push(...extra, "", `${result.gate.passed} passed, ${result.gate.failed} failed`);
    return lines.join("\n");
}

async function main(): Promise<number> {
    const started = Date.now();
    let options: ScanOptions;
    try {
        options = parseScanArgs(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    const skips = loadSkips();
    const install = ensureCheckov((line) => process.stderr.write(`scan: ${line}\n`));
    const installSeconds = (Date.now() - started) / 1000;

    const dir = options.out ? path.resolve(options.out) : fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-scan-"));
    // Checkov scans everything under the folder: leftovers there would be judged as stray results.
    const strays = fs.existsSync(dir) ? fs.readdirSync(dir).filter((entry) => !options.stacks.includes(entry)) : [];
    if (strays.length > 0) {
        process.stderr.write(`--out ${options.out}: holds ${strays.join(", ")}, which Checkov would scan too; choose an empty folder (or one from an earlier scan of these stacks)\n`);
        return 2;
    }
    for (const stack of options.stacks) fs.rmSync(path.join(dir, stack), { recursive: true, force: true });
    try {
        const stacks = [];
        for (const stack of options.stacks) {
            const { run, document } = await plan(stack);
            const production = resolvedConfig(run).production;
            const template = armTemplate(document.resources, { tenantId: MOCK_TENANT });
            const file = path.join(dir, stack, "template.json");
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
            stacks.push({ stack, production, document, template, file });
        }
        const report = runCheckov(install, dir);
        const result = judge(report, stacks, skips, options.gate);
        const drift = catalogDrift(loadCatalogs().checkov, checkovRules(install));
        if (drift) {
            result.errors.push(drift);
            result.gate.failed++;
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const extra = [
            "",
            `Templates: ${stacks.map((s) => `${s.stack} ${s.template.resources.length} resources`).join(", ")}${options.out ? ` (kept in ${path.relative(process.cwd(), dir) || "."})` : ""}; Checkov cannot see the Databricks resources (docs/scanner.md).`,
            install.installed
                ? `Checkov ${install.version} installed in ${installSeconds.toFixed(1)} s (first run for this requirements file); the whole scan took ${seconds} s.`
                : `Scan ${seconds} s (Checkov ${install.version} already installed in ${path.relative(process.cwd(), install.venv) || install.venv}).`,
        ];
        process.stdout.write(`${renderScan(result, options.gate, extra)}\n`);
        return result.gate.failed > 0 || result.errors.length > 0 ? 1 : 0;
    } finally {
        if (!options.out) fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (err) => {
            process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n0 passed, 1 failed\n`);
            process.exitCode = 1;
        },
    );
}
