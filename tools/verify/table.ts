/**
 * The report of `npm run verify`: one row per resource type with, per plan, how many resources its
 * provider accepted / rejected (or why none were verified), then every rejection (resource, field,
 * provider's message), warnings and mapping gaps, and the closing lines
 * `N resources validated by M providers, K rejected` and `P passed, K failed` (passed = resources a
 * provider accepted, failed = resources a provider rejected; resources of providers not built here are
 * neither, and are listed by name with the reason). Pure, unit-tested.
 */
import type { ResourceVerdict } from "./validate";

export interface PlanVerdicts {
    /** `dev`, `prod`, `dev+trained`. */
    plan: string;
    verdicts: ResourceVerdict[];
}

export interface Summary {
    validated: number;
    rejected: number;
    accepted: number;
    notVerified: number;
    providers: string[];
}

export function summarize(plans: readonly PlanVerdicts[]): Summary {
    const all = plans.flatMap((p) => p.verdicts);
    const checked = all.filter((v) => v.status !== "not verified");
    return {
        validated: checked.length,
        rejected: checked.filter((v) => v.status === "rejected").length,
        accepted: checked.filter((v) => v.status === "accepted").length,
        notVerified: all.length - checked.length,
        providers: [...new Set(checked.map((v) => v.by ?? v.provider))].sort(),
    };
}

function pad(text: string, width: number): string {
    return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function cell(verdicts: ResourceVerdict[]): string {
    if (verdicts.length === 0) return "-";
    const ok = verdicts.filter((v) => v.status === "accepted").length;
    const bad = verdicts.filter((v) => v.status === "rejected").length;
    const skipped = verdicts.length - ok - bad;
    const parts = [];
    if (ok) parts.push(`${ok} ok`);
    if (bad) parts.push(`${bad} REJECTED`);
    if (skipped) parts.push(`${skipped} not verified`);
    return parts.join(", ");
}

/** The whole report as lines (the last two are the summary lines). */
export function renderReport(plans: readonly PlanVerdicts[], notes: { unavailable: { provider: string; sdkVersion: string; reason: string }[]; header?: string[] }): string[] {
    const lines: string[] = [...(notes.header ?? [])];
    const types = [...new Set(plans.flatMap((p) => p.verdicts.map((v) => v.type)))].sort();
    const byOf = (type: string) => {
        const v = plans.flatMap((p) => p.verdicts).find((x) => x.type === type);
        return v?.by ?? `${v?.provider ?? "?"} (not built)`;
    };
    const head = ["resource type", "checked by", ...plans.map((p) => p.plan)];
    const rows = types.map((t) => [t, byOf(t), ...plans.map((p) => cell(p.verdicts.filter((v) => v.type === t)))]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => pad(c, widths[i])).join("  ").trimEnd();
    lines.push(fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt), "");

    const rejected = plans.flatMap((p) => p.verdicts.filter((v) => v.status === "rejected").map((v) => ({ plan: p.plan, v })));
    if (rejected.length) {
        lines.push("Rejected by the provider:");
        for (const { plan, v } of rejected) {
            for (const e of v.errors) lines.push(`  [${plan}] ${v.type} ${v.name}: ${e.field}: ${e.message}  (${v.by})`);
        }
        lines.push("");
    }
    const seen = new Set<string>();
    const warnings: string[] = [];
    const gaps: string[] = [];
    for (const p of plans) {
        for (const v of p.verdicts) {
            for (const w of v.warnings) {
                const line = `  ${v.type} ${v.name}: ${w.field}: ${w.message.split("\n")[0]}`;
                if (!seen.has(line)) warnings.push(line), seen.add(line);
            }
            for (const g of v.unmapped) {
                const line = `  ${v.type} ${v.name}: ${g.path}: ${g.message}`;
                if (!seen.has(line)) gaps.push(line), seen.add(line);
            }
        }
    }
    if (warnings.length) lines.push("Provider warnings (accepted, but worth reading):", ...warnings, "");
    if (gaps.length) lines.push("Inputs with no field in the provider's schema (not sent; a rename between versions, or a Pulumi-only input):", ...gaps, "");
    if (notes.unavailable.length) {
        lines.push("Not verified (provider not built here):");
        for (const u of notes.unavailable) {
            const count = plans.flatMap((p) => p.verdicts).filter((v) => v.provider === u.provider && v.status === "not verified").length;
            lines.push(`  ${u.provider} ${u.sdkVersion} (${count} resource${count === 1 ? "" : "s"} across the plans): ${u.reason}`);
        }
        lines.push("");
    }
    const s = summarize(plans);
    lines.push(`${s.validated} resources validated by ${s.providers.length} provider${s.providers.length === 1 ? "" : "s"}, ${s.rejected} rejected`);
    lines.push(`${s.accepted} passed, ${s.rejected} failed`);
    return lines;
}
