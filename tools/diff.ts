/**
 * The blast radius of a config change: compares two offline plans of one stack (as it is, and with
 * `--diff-set` overrides) resource by resource and field by field, and says which changes would
 * replace a resource (from `replacement.ts`). What `pulumi preview` would show after
 * `pulumi config set`, without a cloud account. Pure, unit-tested.
 *
 * Limits: secrets render as "[secret]" in both plans, so a change inside a secret is not seen;
 * resources whose type `replacement.ts` does not model are reported as such, never as safe.
 */
import { ChangeEffect, changeEffects, factsFor, sameValue } from "./replacement";
import type { ProviderAnswer } from "./verify/replace";

/** The parts of a planned resource the diff reads (a `PlanDocument` resource fits). */
export interface DiffableResource {
    urn: string;
    type: string;
    name: string;
    provider: string;
    inputs: Record<string, unknown>;
    protect: boolean;
}

/** One changed input leaf, e.g. `config.trafficConfig.routes[1].trafficPercentage: 10 → 50`. */
export interface FieldChange {
    path: string;
    before: unknown;
    after: unknown;
}

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    /** `update` in place, `replace` (delete and re-create, or create-before-delete), or `protect` only. */
    action: "update" | "replace" | "protect";
    fields: FieldChange[];
    /** Why it would be replaced / which in-place changes the API refuses. */
    effects: { path: string; effect: ChangeEffect; why: string }[];
    /** `protect` before → after, when it changes (state only, no cloud call). */
    protect?: { before: boolean; after: boolean };
    /** False when `replacement.ts` has no facts for the type: replacement unknown. */
    modelled: boolean;
    /** Who answered "replace or update" (the provider build, or a kept rule), when providers were asked. */
    decidedBy?: string;
}

export interface PlanDiff {
    changed: ResourceChange[];
    created: { urn: string; type: string; name: string }[];
    deleted: { urn: string; type: string; name: string }[];
    unchanged: number;
    summary: { changed: number; replaced: number; rejected: number; created: number; deleted: number; unmodelled: number };
}

/** Leaf-level differences between two JSON-like values, with paths like `a.b[0].c`. */
export function fieldChanges(before: unknown, after: unknown, path = ""): FieldChange[] {
    if (sameValue(before, after)) return [];
    const isObj = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    if (Array.isArray(before) && Array.isArray(after)) {
        const out: FieldChange[] = [];
        for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...fieldChanges(before[i], after[i], `${path}[${i}]`));
        return out;
    }
    if (isObj(before) && isObj(after)) {
        const b = before as Record<string, unknown>;
        const a = after as Record<string, unknown>;
        const out: FieldChange[] = [];
        for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
            out.push(...fieldChanges(b[key], a[key], path ? `${path}.${key}` : key));
        }
        return out;
    }
    return [{ path: path || "(all)", before, after }];
}

/**
 * Compares the plan before and after a config change. `answers` (tools/verify/replace.ts, when the
 * providers are built) replace the table's verdicts and add the resources a preview would touch through
 * unknowns and provider knock-ons although their own inputs did not change.
 */
export function diffPlans(before: readonly DiffableResource[], after: readonly DiffableResource[], answers?: ReadonlyMap<string, ProviderAnswer>): PlanDiff {
    const old = new Map(before.map((r) => [r.urn, r]));
    const now = new Map(after.map((r) => [r.urn, r]));
    const changed: ResourceChange[] = [];
    let unchanged = 0;
    for (const r of after) {
        const prev = old.get(r.urn);
        if (!prev) continue;
        const fields = fieldChanges(prev.inputs, r.inputs);
        const answer = answers?.get(r.urn);
        for (const u of answer?.unknownInputs ?? []) {
            if (!fields.some((f) => f.path === u.input || f.path.startsWith(`${u.input}.`) || f.path.startsWith(`${u.input}[`))) {
                fields.push({ path: u.input, before: prev.inputs[u.input], after: `(unknown until apply: from ${u.waitsFor.join(", ")})` });
            }
        }
        const protect = prev.protect !== r.protect ? { before: prev.protect, after: r.protect } : undefined;
        const providerMoved = prev.provider !== r.provider;
        if (fields.length === 0 && !protect && !providerMoved && !answer) {
            unchanged++;
            continue;
        }
        const effects = (answer ? answer.effects : changeEffects(r.type, prev.inputs, r.inputs)).map((f) => ({ path: f.path, effect: f.effect, why: f.why }));
        if (providerMoved) effects.push({ path: "(provider)", effect: "replace", why: `provider ${prev.provider || "(default)"} → ${r.provider || "(default)"}` });
        const replaced = effects.some((e) => e.effect === "replace");
        changed.push({
            urn: r.urn,
            type: r.type,
            name: r.name,
            action: replaced ? "replace" : fields.length > 0 ? "update" : "protect",
            fields,
            effects,
            ...(protect ? { protect } : {}),
            modelled: answer ? answer.modelled : factsFor(r.type) !== undefined && !factsFor(r.type)?.providerAnswers,
            ...(answer ? { decidedBy: answer.decidedBy } : {}),
        });
    }
    const brief = (r: DiffableResource) => ({ urn: r.urn, type: r.type, name: r.name });
    const created = after.filter((r) => !old.has(r.urn)).map(brief);
    const deleted = before.filter((r) => !now.has(r.urn)).map(brief);
    const inputChanges = changed.filter((c) => c.fields.length > 0 || c.action === "replace");
    return {
        changed,
        created,
        deleted,
        unchanged,
        summary: {
            changed: inputChanges.length,
            replaced: changed.filter((c) => c.action === "replace").length,
            rejected: changed.filter((c) => c.effects.some((e) => e.effect === "rejected")).length,
            created: created.length,
            deleted: deleted.length,
            unmodelled: inputChanges.filter((c) => !c.modelled).length,
        },
    };
}

function show(value: unknown): string {
    if (value === undefined) return "(unset)";
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** The diff as a person reads it: a summary line, then each resource with its field changes. */
export function renderDiff(diff: PlanDiff, title: string): string {
    const s = diff.summary;
    const lines = [
        title,
        `  ${s.changed} resource${s.changed === 1 ? "" : "s"} with changed inputs, ${s.replaced} replaced, ${s.created} created, ${s.deleted} deleted` +
            (s.rejected ? `, ${s.rejected} with changes the provider refuses` : "") +
            (s.unmodelled ? `, ${s.unmodelled} of a type whose replacement rules are not modelled` : "") +
            ` (${diff.unchanged} unchanged)`,
        "",
    ];
    if (diff.changed.length + diff.created.length + diff.deleted.length === 0) lines.push("  No resource would change.");
    for (const c of diff.changed) {
        const marker = c.action === "replace" ? "+-" : "~";
        lines.push(`  ${marker} ${c.type}  ${c.name}  (${c.action}${c.modelled ? "" : ", replacement rules not modelled"})`);
        for (const f of c.fields) lines.push(`        ${f.path}: ${show(f.before)} → ${show(f.after)}`);
        if (c.protect) lines.push(`        protect: ${c.protect.before} → ${c.protect.after}`);
        for (const e of c.effects) lines.push(`        ${e.effect === "replace" ? "replaces" : "refused"}: ${e.path} — ${e.why}`);
        if (c.decidedBy) lines.push(`        decided by: ${c.decidedBy}`);
    }
    for (const r of diff.created) lines.push(`  + ${r.type}  ${r.name}  (create)`);
    for (const r of diff.deleted) lines.push(`  - ${r.type}  ${r.name}  (delete)`);
    return lines.join("\n");
}
