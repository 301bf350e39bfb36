/**
 * `npm run verify`: the planned resources validated by the providers' own code, offline.
 *
 * 1. builds (once, cached in .verify-cache/ keyed by version) the provider code at the versions
 *    package-lock.json pins, where this machine's module proxy serves it (`build.ts`, `recipes.ts`);
 * 2. starts each built provider and speaks its plugin protocol over gRPC (`tfclient.ts`);
 * 3. runs the real program under mocks for every plan below (the dev and prod stacks and the scenario
 *    the tests use), and sends each custom resource's inputs to its provider's validation.
 *
 * Prints a table, every rejection (resource, field, the provider's message), the providers not built
 * here with the reason, and ends with `N resources validated by M providers, K rejected` and
 * `P passed, K failed`. Exit status: 0 nothing rejected · 1 a provider rejected a resource ·
 * 3 the verify itself failed (the program, or a provider with a recipe here that would not build or start).
 */
import { plan, planDiff } from "../plan";
import { ROOT } from "../harness";
import * as scenarios from "../scenarios";
import { TRAINED } from "../scenarios";
import { parseOverride } from "../stack-config";
import { buildProviders } from "./build";
import { compareFields, sdkInputFields } from "./drift";
import { terraformTypeName } from "./schema";
import { PlanVerdicts, renderReport, summarize } from "./table";
import { ProviderSession, ResourceVerdict, validateResources } from "./validate";
import { ProviderName, projectSdkVersions } from "./versions";

/**
 * End-to-end checks of `--diff-set` through the seam (plan → provider answers → diff), run when a
 * provider is built: each names a config change and what the provider must answer.
 */
export const DIFF_CHECKS: readonly {
    title: string;
    stack: string;
    /** Overrides of both sides (the stack as it would be), e.g. `TRAINED` for a stack whose endpoints are on. */
    base: readonly string[];
    sets: string[];
    expect: { name: string; action: "replace" | "update" }[];
    replaced: number;
}[] = [
    {
        title: "rotating the pipeline secret replaces the Entra password and the Databricks secret holding its value",
        stack: "dev",
        base: [],
        sets: ["secretRotationDays=30"],
        expect: [
            { name: "client-secret", action: "replace" },
            { name: "client-secret-value", action: "replace" },
        ],
        replaced: 2,
    },
    {
        title: "a traffic shift updates the A/B endpoint in place and replaces nothing",
        stack: "prod",
        base: TRAINED,
        sets: ["serving.traffic.challenger=50", "serving.traffic.champion=50"],
        expect: [{ name: "classifier", action: "update" }],
        replaced: 0,
    },
];

/**
 * The plans verified: both stacks, and each named scenario of tools/scenarios.ts (the configs the tests,
 * docs and benchmarks share) applied to dev — today `TRAINED`, both serving endpoints on.
 */
export const VERIFY_PLANS: readonly { plan: string; stack: string; sets: readonly string[] }[] = [
    { plan: "dev", stack: "dev", sets: [] },
    { plan: "prod", stack: "prod", sets: [] },
    ...Object.entries(scenarios)
        .filter((e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((x) => typeof x === "string"))
        .map(([name, sets]) => ({ plan: `dev+${name.toLowerCase()}`, stack: "dev", sets })),
];

async function main(): Promise<number> {
    const started = Date.now();
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const versions = projectSdkVersions(ROOT);
    log(`Provider SDKs (package-lock.json): ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    const { built, unavailable } = await buildProviders(ROOT, versions, log);
    const sessions = new Map<ProviderName, ProviderSession>();
    const header: string[] = [];
    try {
        for (const b of built) {
            try {
                sessions.set(b.provider, await ProviderSession.start(b));
            } catch (err) {
                unavailable.push({ provider: b.provider, sdkVersion: b.sdkVersion, failed: true, reason: `built, but would not start: ${(err as Error).message.split("\n")[0]}` });
                continue;
            }
            header.push(
                `${b.provider} ${b.sdkVersion}: ${b.upstream.module}@${b.upstream.version} over tfplugin6 ` +
                    `(${b.builtNow ? `built now in ${b.buildSeconds} s` : `cached; its build took ${b.buildSeconds} s`})` +
                    (b.upstream.exact ? "" : ` — NOT the exact upstream of @pulumi/${b.provider} ${b.sdkVersion}: ${b.upstream.note}`),
            );
        }
        const unavailableReasons = new Map(unavailable.map((u) => [u.provider, u.reason] as const));
        const plans: PlanVerdicts[] = [];
        for (const p of VERIFY_PLANS) {
            const { run } = await plan(p.stack, p.sets.map(parseOverride));
            const verdicts: ResourceVerdict[] = await validateResources(run.resources, sessions, unavailableReasons);
            plans.push({ plan: p.plan, verdicts });
        }
        header.push("");
        const lines = renderReport(plans, { unavailable, header });
        // How far each built provider is from the SDK's own upstream, on the types the plans use.
        const drift: string[] = [];
        for (const [provider, session] of sessions) {
            const types = [...new Set(plans.flatMap((p) => p.verdicts.filter((v) => v.provider === provider && !v.type.startsWith("pulumi:")).map((v) => v.type)))].sort();
            for (const type of types) {
                const fields = sdkInputFields(ROOT, type);
                const block = session.schema.resources[terraformTypeName(type) ?? ""];
                if (!fields || !block) continue;
                const d = compareFields(type, fields, block);
                if (d.sdkOnly.length) drift.push(`  ${type}: in @pulumi/${provider} ${session.build.sdkVersion}, not in ${session.label}: ${d.sdkOnly.join(", ")}`);
            }
        }
        if (drift.length) {
            lines.splice(
                lines.length - 2,
                0,
                `SDK inputs the built provider does not know (it cannot validate them; a sign it is older than the SDK's own upstream):`,
                ...drift,
                "",
            );
        }
        // `--diff-set` end to end: the Databricks answers must reach the diff (only when it is built).
        let diffFailures = 0;
        if (sessions.has("databricks")) {
            const checks: string[] = [];
            for (const c of DIFF_CHECKS) {
                const { diff } = await planDiff(c.stack, c.base.map(parseOverride), c.sets.map(parseOverride));
                const problems = c.expect
                    .map((e) => ({ e, got: diff.changed.find((x) => x.name === e.name) }))
                    .filter(({ e, got }) => got?.action !== e.action)
                    .map(({ e, got }) => `${e.name}: expected ${e.action}, got ${got?.action ?? "no change"}`);
                if (diff.summary.replaced !== c.replaced) problems.push(`expected ${c.replaced} replaced, got ${diff.summary.replaced}`);
                const databricks = diff.changed.filter((x) => x.type.startsWith("databricks:"));
                if (databricks.some((x) => !x.decidedBy?.startsWith("terraform-provider-databricks"))) problems.push("a Databricks change was not decided by the provider");
                if (problems.length) diffFailures++;
                checks.push(`  ${problems.length ? "FAILED" : "ok"}  [${c.stack}] ${c.title}${problems.length ? `: ${problems.join("; ")}` : ""}`);
            }
            lines.splice(lines.length - 2, 0, "--diff-set answered by the provider (end to end):", ...checks, "");
        }
        if (diffFailures) {
            const s = summarize(plans);
            lines.splice(lines.length - 1, 1, `${s.accepted} passed, ${s.rejected + diffFailures} failed`);
        }
        // A provider that should have built and did not is a failure of the verify, never a quiet "not verified".
        const broken = unavailable.filter((u) => u.failed);
        if (broken.length) {
            const s = summarize(plans);
            lines.splice(lines.length - 1, 1, `${s.accepted} passed, ${s.rejected + diffFailures + broken.length} failed`);
            lines.splice(lines.length - 2, 0, ...broken.map((u) => `FAILED: ${u.provider} ${u.sdkVersion} could not be built or started here (see above)`));
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        lines.splice(lines.length - 2, 0, `verify took ${seconds} s (plans ${VERIFY_PLANS.map((p) => p.plan).join(", ")}; ${sessions.size ? DIFF_CHECKS.length : 0} --diff-set checks)`);
        log(lines.join("\n"));
        return broken.length > 0 || diffFailures > 0 ? 3 : summarize(plans).rejected > 0 ? 1 : 0;
    } finally {
        await Promise.all([...sessions.values()].map((s) => s.stop()));
    }
}

if (require.main === module) {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (err) => {
            process.stderr.write(`verify failed: ${(err as Error).stack ?? err}\n`);
            process.stdout.write("0 passed, 1 failed\n");
            process.exitCode = 3;
        },
    );
}
