/**
 * Serving figures for `npm run bench -- --only serving`:
 *
 *  1. The blast radius of the traffic shift on prod with its endpoints on (`serving.traffic` 90/10 →
 *     50/50): resources whose inputs change, and how many would be replaced. Target: 1 changed, 0 replaced.
 *  2. The modelled critical path of a fresh `pulumi up` of prod, endpoints on: the longest chain of dependent
 *     resources weighted by typical creation times (tools/critical-path.ts), and any `dependsOn`
 *     edge on it (ordering the data flow does not need). Target: the inherent
 *     workspace → catalog → serving chain, no `dependsOn` on it.
 */
import { criticalPath, formatSeconds } from "./critical-path";
import { diffPlans } from "./diff";
import { runProgram } from "./harness";
import { TRAINED } from "./scenarios";
import { parseOverride } from "./stack-config";

const SHIFT = ["serving.traffic.challenger=50", "serving.traffic.champion=50"];

export interface ServingFigures {
    shift: { changed: number; replaced: number; created: number; deleted: number; resources: string[] };
    criticalPath: ReturnType<typeof criticalPath>;
    resources: number;
}

/** Runs prod as it is and with the shift; models the critical path of prod. */
export async function servingFigures(): Promise<ServingFigures> {
    // Prod ships its endpoints off until the models are promoted; the shift is measured on the stack with them on.
    const before = await runProgram({ stack: "prod", overrides: TRAINED.map(parseOverride) });
    const after = await runProgram({ stack: "prod", overrides: [...TRAINED, ...SHIFT].map(parseOverride) });
    const diff = diffPlans(before.resources, after.resources);
    return {
        shift: {
            changed: diff.summary.changed,
            replaced: diff.summary.replaced,
            created: diff.summary.created,
            deleted: diff.summary.deleted,
            resources: diff.changed.map((c) => `${c.type} ${c.name} (${c.action}: ${c.fields.map((f) => f.path).join(", ")})`),
        },
        criticalPath: criticalPath(before.resources),
        resources: before.resources.length,
    };
}

/** The section as printed. */
export function renderServing(f: ServingFigures): string[] {
    const cp = f.criticalPath;
    const lines = [
        "## Serving: blast radius of the traffic shift (prod with its endpoints on, 90/10 → 50/50)",
        `pulumi config set --path serving.traffic.challenger 50 + champion 50: ${f.shift.changed} resource changed, ${f.shift.replaced} replaced, ${f.shift.created} created, ${f.shift.deleted} deleted (target: 1 changed, 0 replaced)`,
        ...f.shift.resources.map((r) => `  ${r}`),
        "",
        `## Serving: modelled critical path of a fresh pulumi up of prod, endpoints on (${f.resources} resources)`,
        `longest chain: ${cp.steps.length} resources, ${formatSeconds(cp.total.low)}–${formatSeconds(cp.total.high)} (every resource at its low time: ${formatSeconds(cp.bestCase)})`,
        ...cp.steps.map(
            (s) => `  ${s.via ? `└ ${s.via.padEnd(9)}` : "           "} ${s.type} ${s.name}  ${formatSeconds(s.duration.low)}–${formatSeconds(s.duration.high)}`,
        ),
        cp.dependsOnEdges.length === 0
            ? "dependsOn edges on the chain: none (every wait is a data dependency or the provider)"
            : `dependsOn edges on the chain (ordering no input expresses — each must be a real API precondition): ${cp.dependsOnEdges.map((e) => `${e.from.split("::").pop()} → ${e.to.split("::").pop()}`).join(", ")}`,
        "",
    ];
    return lines;
}

export async function servingSection(): Promise<void> {
    for (const line of renderServing(await servingFigures())) console.log(line);
}

