/**
 * "Update or replace?" for `--diff-set`, answered as a preview answers it:
 *  - for every resource whose inputs change, the provider's own PlanResourceChange (`requires_replace`)
 *    where the provider is built here (`npm run verify`), else the hand-kept rules of
 *    tools/replacement.ts that remain (each says why the provider cannot answer);
 *  - unknowns propagate: the outputs a replaced (or newly created) resource computes are unknown until
 *    it exists, so every input of a dependent that consumes one becomes unknown, and the dependent gets
 *    its own answer (a ForceNew input that is unknown replaces); its inputs a replacement merely echoes
 *    (a name it was given) stay known, as a bridged provider's preview keeps them;
 *  - a provider resource whose configuration changes (a new workspace URL) or becomes unknown is a
 *    knock-on for every resource it serves.
 * The propagation is pure (`propagate`, unit-tested with a stub); `ProviderAsker` asks a live provider.
 */
import { CtyValue } from "./cty";
import { changeEffects, factsFor, sameValue } from "../replacement";
import { TfBlock, knownOrNull, proposedNew, pulumiPathFor, terraformTypeName, toTerraform } from "./schema";
import { ProviderSession, providerConfig } from "./validate";

export const UNKNOWN_INPUT = "[unknown]";

/** The parts of a planned resource the propagation reads (a harness `PlannedResource` fits). */
export interface DiffInput {
    urn: string;
    type: string;
    name: string;
    /** URN of the explicit provider resource ("" for the default provider). */
    provider: string;
    /** Inputs with secrets in clear: compared, never printed. */
    rawInputs: Record<string, unknown>;
    propertyDependencies?: Record<string, string[]>;
}

export interface Effect {
    path: string;
    effect: "replace" | "rejected";
    why: string;
}

export interface ProviderAnswer {
    urn: string;
    action: "replace" | "update" | "none";
    effects: Effect[];
    /** Inputs unknown in the preview, and the names of the replaced or new resources they wait for. */
    unknownInputs: { input: string; waitsFor: string[] }[];
    /** Who decided: the provider build, or `tools/replacement.ts` (with its source). */
    decidedBy: string;
    /** False when neither a provider nor a kept rule answers for the type. */
    modelled: boolean;
}

/** Answers "which changed input paths force replacement" for types whose provider runs here. */
export interface ReplacementAsker {
    /** undefined: no provider for this type here (the kept rules answer). */
    ask(resource: DiffInput, before: Record<string, unknown>, after: Record<string, unknown>, providerInputs: Record<string, unknown> | undefined): Promise<{ replace: string[]; rejected: string[]; by: string } | undefined>;
}

function leaves(value: unknown, out: Set<string> = new Set()): Set<string> {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out.add(String(value));
    else if (Array.isArray(value)) value.forEach((v) => leaves(v, out));
    else if (typeof value === "object" && value !== null) Object.values(value).forEach((v) => leaves(v, out));
    return out;
}

const PROVIDER_TYPE = "pulumi:providers:";

/** Walks the changed plan in registration order (dependencies first) and answers for every resource. */
export async function propagate(before: readonly DiffInput[], after: readonly DiffInput[], asker: ReplacementAsker | undefined): Promise<Map<string, ProviderAnswer>> {
    const prior = new Map(before.map((r) => [r.urn, r]));
    const byUrn = new Map(after.map((r) => [r.urn, r]));
    /** URN → why its outputs are unknown in the preview (replaced, or created). */
    const pending = new Map<string, string>();
    for (const r of after) if (!prior.has(r.urn)) pending.set(r.urn, "created");
    const answers = new Map<string, ProviderAnswer>();

    for (const r of after) {
        const p = prior.get(r.urn);
        if (!p) continue;
        // Inputs that consume an output of a replaced or new resource are unknown, unless the value is one
        // of that resource's own (known) inputs echoed back.
        const unknownInputs: { input: string; waitsFor: string[] }[] = [];
        const inputs: Record<string, unknown> = { ...r.rawInputs };
        for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
            const waits = deps.filter((d) => pending.has(d));
            if (waits.length === 0 || !(key in inputs)) continue;
            const known = new Set<string>();
            for (const d of waits) for (const l of leaves(byUrn.get(d)?.rawInputs ?? {})) known.add(l);
            const mine = [...leaves(inputs[key])];
            if (mine.length > 0 && mine.every((l) => known.has(l))) continue;
            inputs[key] = UNKNOWN_INPUT;
            unknownInputs.push({ input: key, waitsFor: waits.map((d) => `${byUrn.get(d)?.name ?? d} (${pending.get(d)})`) });
        }
        const providerPending = r.provider && pending.has(r.provider) ? pending.get(r.provider) : undefined;
        const changed = !sameValue(p.rawInputs, inputs);
        if (!changed && !providerPending) continue;

        const effects: Effect[] = [];
        let decidedBy = "";
        let modelled = true;
        if (r.type.startsWith(PROVIDER_TYPE)) {
            // Kept rule: which configuration fields move every resource of the provider (engine semantics).
            for (const f of changeEffects(r.type, p.rawInputs, inputs)) effects.push({ path: f.path, effect: f.effect, why: f.why });
            decidedBy = `tools/replacement.ts (${factsFor(r.type)?.source ?? "provider configuration"})`;
            modelled = factsFor(r.type) !== undefined;
        } else if (changed) {
            const providerInputs = r.provider ? byUrn.get(r.provider)?.rawInputs : undefined;
            const answer = asker ? await asker.ask(r, p.rawInputs, inputs, providerInputs) : undefined;
            if (answer) {
                decidedBy = answer.by;
                for (const path of answer.replace) effects.push({ path, effect: "replace", why: `${answer.by} plans a replacement` });
                for (const msg of answer.rejected) effects.push({ path: "(plan)", effect: "rejected", why: msg });
            }
            // Kept rules still apply where the provider cannot answer (API refusals at apply time).
            const facts = factsFor(r.type);
            if (!answer && facts?.providerAnswers) modelled = false;
            for (const f of changeEffects(r.type, p.rawInputs, inputs)) {
                if (answer && f.effect === "replace") continue;
                effects.push({ path: f.path, effect: f.effect, why: f.why });
            }
            if (!answer) {
                decidedBy = facts?.providerAnswers
                    ? "nothing: only the provider answers for this type, and it is not built here (npm run verify builds it)"
                    : facts
                      ? `tools/replacement.ts (${facts.source})`
                      : "nothing (type not modelled)";
            }
            if (!facts && !answer) modelled = false;
        }
        if (providerPending) effects.push({ path: "(provider)", effect: "replace", why: `its provider ${byUrn.get(r.provider)?.name ?? r.provider} is ${providerPending}` });
        const replaced = effects.some((e) => e.effect === "replace");
        if (replaced) pending.set(r.urn, "replaced");
        answers.set(r.urn, { urn: r.urn, action: replaced ? "replace" : changed ? "update" : "none", effects, unknownInputs, decidedBy, modelled });
    }
    return answers;
}

/** Placeholders that let ConfigureProvider finish offline: a token (so no Azure or OIDC discovery starts) and 1 s timeouts. */
const OFFLINE_CONFIG = { authType: "pat", token: "offline-placeholder-never-sent", retryTimeoutSeconds: 1, httpTimeoutSeconds: 1 };

/** Asks a running provider session: create plan from the old inputs, then plan the new ones against it. */
export class SessionAsker implements ReplacementAsker {
    constructor(private readonly sessions: ReadonlyMap<string, ProviderSession>) {}

    async ask(resource: DiffInput, before: Record<string, unknown>, after: Record<string, unknown>, providerInputs: Record<string, unknown> | undefined) {
        const provider = resource.type.split(":")[0];
        const session = this.sessions.get(provider);
        const tfType = terraformTypeName(resource.type);
        const block: TfBlock | undefined = session && tfType ? session.schema.resources[tfType] : undefined;
        if (!session || !tfType || !block) return undefined;
        const config = providerConfig(session.schema.provider, { ...(providerInputs ?? {}), ...OFFLINE_CONFIG }, []);
        if (Object.values(providerInputs ?? {}).includes(UNKNOWN_INPUT)) return undefined;
        const diags = await session.configure(config);
        if (diags.some((d) => d.severity === "ERROR")) return undefined;
        const oldCfg = toTerraform(block, before, []);
        const newCfg = toTerraform(block, after, []);
        const create = await session.client.plan(tfType, block, null, oldCfg, oldCfg);
        if (create.diagnostics.some((d) => d.severity === "ERROR") || !create.plannedState) return undefined;
        const priorState = knownOrNull(create.plannedState) as Record<string, CtyValue>;
        if ("id" in priorState) priorState.id = "offline-id";
        const update = await session.client.plan(tfType, block, priorState, proposedNew(block, priorState, newCfg), newCfg);
        // The prior state is built offline: attributes the service computes are null in it. A path the
        // provider would replace with nothing changed at all (the old inputs planned against their own
        // create plan) is an artifact of that, and is dropped when its attribute's input did not change.
        const noop = await session.client.plan(tfType, block, priorState, proposedNew(block, priorState, oldCfg), oldCfg);
        const artifacts = new Set(noop.requiresReplace.map((steps) => steps[0]?.attribute_name as string | undefined));
        const replace = [
            ...new Set(
                update.requiresReplace
                    .filter((steps) => {
                        const attr = steps[0]?.attribute_name as string | undefined;
                        return !(attr && artifacts.has(attr) && sameValue(oldCfg[attr], newCfg[attr]));
                    })
                    .map((steps) => pulumiPathFor(block, steps))
                    .filter((p) => p !== "id"),
            ),
        ];
        const rejected = update.diagnostics.filter((d) => d.severity === "ERROR").map((d) => [d.summary, d.detail].filter(Boolean).join(": "));
        return { replace, rejected, by: session.label };
    }
}
