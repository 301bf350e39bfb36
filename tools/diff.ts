/**
 * The blast radius of a config change: compares two offline plans of one stack (as it is, and with
 * `--diff-set` overrides) resource by resource and field by field, and says which changes would
 * replace a resource (from `replacement.ts`). What `pulumi preview` would show after
 * `pulumi config set`, without a cloud account. Pure, unit-tested.
 *
 * Lists whose elements have an identity are compared by it, not by position: grants and access
 * control lists by principal, served entities and routes by entity, app resources and job tasks by
 * name. So adding a reader group reads as that group's new privileges, not as every later entry
 * shifting by one; and every grant or ACL change is also summarised per principal and securable.
 *
 * Limits: secrets render as "[secret]" in both plans, so a change inside a secret is not seen;
 * resources whose type `replacement.ts` does not model are reported as such, never as safe.
 */
import type { CostTotals } from "../policies/cost/estimate";
import { delta, money } from "../policies/cost/render";
import { IDENTITY_FIELDS, identityOf } from "./identity";
import { ChangeEffect, GRANT_SECURABLES, PERMISSION_OBJECTS, changeEffects, factsFor, sameValue } from "./replacement";
import type { ProviderAnswer } from "./verify/replace";

/** The parts of a planned resource the diff reads (a `PlanDocument` resource fits). */
export interface DiffableResource {
    urn: string;
    type: string;
    name: string;
    provider: string;
    inputs: Record<string, unknown>;
    protect: boolean;
    /** Replacement options (`deleteBeforeReplace`); absent means Pulumi's default, create-before-delete. */
    replacement?: { deleteBeforeReplace: boolean };
    /** Deleting it only forgets it: the cloud object stays. */
    retainOnDelete?: boolean;
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
    /** Why `pulumi up` would refuse this change: a protected resource that would be replaced. */
    refused?: string;
    /**
     * A replacement that keeps the object's identity (same name, key or path) without
     * `deleteBeforeReplace`: create-before-delete overwrites the object and the delete then removes it.
     */
    hazard?: string;
}

/** A resource the change removes from the program. */
export interface DeletedResource {
    urn: string;
    type: string;
    name: string;
    /** Why `pulumi up` would refuse to delete it (protected). */
    refused?: string;
    /** True when only Pulumi forgets it (`retainOnDelete`): the cloud object and its content stay. */
    retained?: boolean;
}

/** One principal's access to one securable, before → after (a grant list or an ACL). */
export interface AccessChange {
    principal: string;
    /** `schema lakehouse_dev.lakehouse_gold`, `pipeline <id>`. */
    on: string;
    /** Privileges or permission levels the change gives. */
    added: string[];
    /** Privileges or permission levels the change takes away. */
    removed: string[];
}

/** A `--diff-set` path that changes nothing in this stack, and why (see components/settings/dormant.ts). */
export interface DormantChange {
    path: string;
    reason: string;
}

export interface PlanDiff {
    changed: ResourceChange[];
    created: { urn: string; type: string; name: string }[];
    deleted: DeletedResource[];
    unchanged: number;
    /** Grant and ACL changes per principal and securable, over changed, created and deleted resources. */
    access: AccessChange[];
    /** Diff-set paths that have no effect while something else is switched off. */
    dormant?: DormantChange[];
    /** The monthly cost estimate before and after the change (policies/cost/estimate.ts). */
    cost?: { before: CostTotals; after: CostTotals };
    /**
     * `rejected`: changes `pulumi up` would not carry out — an in-place change the API refuses, or a
     * protected resource the change would replace or delete. `hazards`: same-identity replacements.
     */
    summary: { changed: number; replaced: number; rejected: number; hazards: number; created: number; deleted: number; unmodelled: number };
}

const GRANTS = "databricks:index/grants:Grants";
const PERMISSIONS = "databricks:index/permissions:Permissions";

type Element = Record<string, unknown>;
/** The identity of a list element, or undefined when it has none (then position is used). */
type KeyOf = (element: Element) => unknown;

const principalOfAce: KeyOf = (e) => e.groupName ?? e.userName ?? e.servicePrincipalName;

/** Per type: list paths (array segments left out) → the identity of their elements. */
export const KEYED_LISTS: Readonly<Record<string, Readonly<Record<string, KeyOf>>>> = {
    [GRANTS]: { grants: (e) => e.principal },
    [PERMISSIONS]: { accessControls: principalOfAce },
    "databricks:index/modelServing:ModelServing": {
        "config.servedEntities": (e) => e.name,
        "config.trafficConfig.routes": (e) => e.servedEntityName ?? e.servedModelName,
        "aiGateway.rateLimits": (e) => e.key,
    },
    "databricks:index/app:App": { resources: (e) => e.name },
    "databricks:index/job:Job": { tasks: (e) => e.taskKey, jobClusters: (e) => e.jobClusterKey, parameters: (e) => e.name },
};

/** `config.servedEntities[champion].name` → `config.servedEntities.name`. */
const listPath = (path: string) => path.replace(/\[[^\]]*\]/g, "");

/**
 * Leaf-level differences between two JSON-like values, with paths like `a.b[0].c`; elements of the
 * lists in `keyed` are matched by identity and named by it (`grants[data-analysts].privileges`).
 */
export function fieldChanges(before: unknown, after: unknown, path = "", keyed: Readonly<Record<string, KeyOf>> = {}): FieldChange[] {
    if (sameValue(before, after)) return [];
    const isObj = (v: unknown): v is Element => typeof v === "object" && v !== null && !Array.isArray(v);
    if (Array.isArray(before) && Array.isArray(after)) {
        const keyOf = keyed[listPath(path)];
        const identities = keyOf && [...before, ...after].every((e) => isObj(e) && keyOf(e) !== undefined) ? keyOf : undefined;
        if (identities) {
            const index = (list: unknown[]) => new Map(list.map((e) => [String(identities(e as Element)), e]));
            const b = index(before);
            const a = index(after);
            const keys = [...new Set([...a.keys(), ...b.keys()])];
            return keys.flatMap((key) => fieldChanges(b.get(key), a.get(key), `${path}[${key}]`, keyed));
        }
        const out: FieldChange[] = [];
        for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...fieldChanges(before[i], after[i], `${path}[${i}]`, keyed));
        return out;
    }
    if (isObj(before) && isObj(after)) {
        const out: FieldChange[] = [];
        for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
            out.push(...fieldChanges(before[key], after[key], path ? `${path}.${key}` : key, keyed));
        }
        return out;
    }
    return [{ path: path || "(all)", before, after }];
}

/** What a grant list or ACL resource governs, e.g. `schema lakehouse_dev.lakehouse_gold`, `serving endpoint <id>`. */
function securableOf(type: string, inputs: Record<string, unknown>): string {
    const fields = type === GRANTS ? GRANT_SECURABLES : PERMISSION_OBJECTS;
    const field = fields.find((f) => inputs[f] !== undefined);
    if (field === undefined) return "(unknown securable)";
    const kind = field
        .replace(/(Id|Path|Name)$/, "")
        .replace(/([a-z])([A-Z])/g, "$1 $2")
        .toLowerCase();
    return `${kind} ${String(inputs[field])}`;
}

/** Principal → the privileges (grants) or permission levels (ACLs) a resource gives. */
function accessOf(type: string, inputs: Record<string, unknown> | undefined): Map<string, string[]> {
    const access = new Map<string, string[]>();
    if (!inputs) return access;
    if (type === GRANTS) {
        for (const g of (inputs.grants as Element[] | undefined) ?? []) access.set(String(g.principal), ((g.privileges as string[] | undefined) ?? []).map(String));
    } else {
        for (const ace of (inputs.accessControls as Element[] | undefined) ?? []) {
            const principal = String(principalOfAce(ace));
            access.set(principal, [...(access.get(principal) ?? []), String(ace.permissionLevel)]);
        }
    }
    return access;
}

/** The per-principal access change of one grant list or ACL resource (either side may be absent). */
export function accessChanges(type: string, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): AccessChange[] {
    if (type !== GRANTS && type !== PERMISSIONS) return [];
    const on = securableOf(type, (after ?? before) as Record<string, unknown>);
    const was = accessOf(type, before);
    const now = accessOf(type, after);
    const changes: AccessChange[] = [];
    for (const principal of [...new Set([...now.keys(), ...was.keys()])]) {
        const b = was.get(principal) ?? [];
        const a = now.get(principal) ?? [];
        const added = a.filter((x) => !b.includes(x)).sort();
        const removed = b.filter((x) => !a.includes(x)).sort();
        if (added.length + removed.length > 0) changes.push({ principal, on, added, removed });
    }
    return changes;
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
        const fields = fieldChanges(prev.inputs, r.inputs, "", KEYED_LISTS[r.type]);
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
        const refused = replaced && prev.protect ? "protected: pulumi up refuses to replace it (pulumi state unprotect first, if the data may go)" : undefined;
        const identity = identityOf(r.type, r.inputs);
        const hazard =
            replaced && !r.replacement?.deleteBeforeReplace && identity !== undefined && identity === identityOf(prev.type, prev.inputs)
                ? `replaced under the same identity (${IDENTITY_FIELDS[r.type].join(", ")}) without deleteBeforeReplace: the replacement is written over the old object, then deleting the old one removes it`
                : undefined;
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
            ...(refused ? { refused } : {}),
            ...(hazard ? { hazard } : {}),
        });
    }
    const brief = (r: DiffableResource) => ({ urn: r.urn, type: r.type, name: r.name });
    const created = after.filter((r) => !old.has(r.urn)).map(brief);
    const deleted: DeletedResource[] = before
        .filter((r) => !now.has(r.urn))
        .map((r) => ({
            ...brief(r),
            ...(r.protect ? { refused: "protected: pulumi up refuses to delete it" } : {}),
            ...(r.retainOnDelete ? { retained: true } : {}),
        }));
    const inputChanges = changed.filter((c) => c.fields.length > 0 || c.action === "replace");
    const access = [
        ...after.flatMap((r) => accessChanges(r.type, old.get(r.urn)?.inputs, r.inputs)),
        ...before.filter((r) => !now.has(r.urn)).flatMap((r) => accessChanges(r.type, r.inputs, undefined)),
    ];
    return {
        changed,
        created,
        deleted,
        unchanged,
        access,
        summary: {
            changed: inputChanges.length,
            replaced: changed.filter((c) => c.action === "replace").length,
            rejected: changed.filter((c) => c.refused || c.effects.some((e) => e.effect === "rejected")).length + deleted.filter((d) => d.refused).length,
            hazards: changed.filter((c) => c.hazard).length,
            created: created.length,
            deleted: deleted.length,
            unmodelled: inputChanges.filter((c) => !c.modelled).length,
        },
    };
}

/** The leaf changes between two strings that both hold a JSON object, else undefined. */
export function jsonLeaves(before: unknown, after: unknown): FieldChange[] | undefined {
    const parse = (v: unknown) => {
        if (typeof v !== "string" || !v.trimStart().startsWith("{")) return undefined;
        try {
            return JSON.parse(v) as unknown;
        } catch {
            return undefined;
        }
    };
    const b = parse(before);
    const a = parse(after);
    return b !== undefined && a !== undefined ? fieldChanges(b, a) : undefined;
}

function show(value: unknown): string {
    if (value === undefined) return "(unset)";
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** `Monthly cost: idle 162.97 → 162.97 (0.00), active 415.62 → 3881.45 (+3465.83)`, and whether either side is a lower bound. */
export function renderCostChange({ before, after }: { before: CostTotals; after: CostTotals }): string {
    const state = (s: "idle" | "active") => `${s} ${money(before[s].total)} → ${money(after[s].total)} (${delta(after[s].total - before[s].total)})`;
    const unpriced = Math.max(before.unpriced, after.unpriced);
    return `  Monthly cost: ${state("idle")}, ${state("active")}${unpriced > 0 ? ` (lower bounds: lines unpriced before ${before.unpriced}, after ${after.unpriced})` : ""}`;
}

/** `data-analysts: + SELECT, USE_SCHEMA − MODIFY on schema lakehouse_dev.lakehouse_gold` */
export function renderAccessChange(c: AccessChange): string {
    const parts = [c.added.length ? `+ ${c.added.join(", ")}` : "", c.removed.length ? `− ${c.removed.join(", ")}` : ""].filter(Boolean);
    return `${c.principal}: ${parts.join("  ")} on ${c.on}`;
}

/** The diff as a person reads it: a summary line, each resource with its field changes, then access by principal. */
export function renderDiff(diff: PlanDiff, title: string): string {
    const s = diff.summary;
    const lines = [
        title,
        `  ${s.changed} resource${s.changed === 1 ? "" : "s"} with changed inputs, ${s.replaced} replaced, ${s.created} created, ${s.deleted} deleted` +
            (s.rejected ? `, ${s.rejected} refused (pulumi up would stop)` : "") +
            (s.hazards ? `, ${s.hazards} HAZARD${s.hazards === 1 ? "" : "S"} (same-identity replacement)` : "") +
            (s.unmodelled ? `, ${s.unmodelled} of a type whose replacement rules are not modelled` : "") +
            ` (${diff.unchanged} unchanged)`,
        "",
    ];
    if (diff.cost) lines.splice(2, 0, renderCostChange(diff.cost));
    if (diff.changed.length + diff.created.length + diff.deleted.length === 0) {
        const dormant = diff.dormant ?? [];
        if (dormant.length === 0) lines.push("  No resource would change.");
        else for (const d of dormant) lines.push(`  No resource would change: ${d.path} has no effect while ${d.reason}.`);
    }
    for (const c of diff.changed) {
        const marker = c.action === "replace" ? "+-" : "~";
        lines.push(`  ${marker} ${c.type}  ${c.name}  (${c.action}${c.modelled ? "" : ", replacement rules not modelled"})`);
        for (const f of c.fields) {
            // A JSON document held in a string (a cluster policy's definition) changes by its leaves.
            const inside = jsonLeaves(f.before, f.after);
            if (inside) lines.push(`        ${f.path} (JSON):`, ...inside.map((j) => `          ${j.path}: ${show(j.before)} → ${show(j.after)}`));
            else lines.push(`        ${f.path}: ${show(f.before)} → ${show(f.after)}`);
        }
        if (c.protect) lines.push(`        protect: ${c.protect.before} → ${c.protect.after}`);
        for (const e of c.effects) lines.push(`        ${e.effect === "replace" ? "replaces" : "refused"}: ${e.path} — ${e.why}`);
        if (c.decidedBy) lines.push(`        decided by: ${c.decidedBy}`);
        if (c.refused) lines.push(`        REFUSED: ${c.refused}`);
        if (c.hazard) lines.push(`        HAZARD: ${c.hazard}`);
    }
    for (const r of diff.created) lines.push(`  + ${r.type}  ${r.name}  (create)`);
    for (const r of diff.deleted) {
        const how = r.refused ? `REFUSED: ${r.refused}` : r.retained ? "forgotten by Pulumi, kept in the cloud (retainOnDelete)" : "delete";
        lines.push(`  - ${r.type}  ${r.name}  (${how})`);
    }
    if (diff.access.length > 0) {
        lines.push("", "  Access, by principal:");
        for (const c of diff.access) lines.push(`    ${renderAccessChange(c)}`);
    }
    return lines.join("\n");
}
