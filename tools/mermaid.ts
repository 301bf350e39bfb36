/**
 * The architecture picture: the offline plan's resources as a Mermaid flowchart
 * (`npm run plan -- --format mermaid`, embedded in the README by `npm run docs`).
 *
 * Components are subgraphs (nested as they are parented), resources are nodes, and an arrow runs
 * from a resource to the ones that depend on it. To stay readable: the children of one component
 * that share a type are one node (`BlobContainer ×4`), arrows implied by longer paths are dropped
 * (transitive reduction), and the Databricks provider gets one dotted arrow per component it serves
 * instead of one per resource. Protected resources are drawn with a thick border. Pure and
 * deterministic: the same plan gives the same text.
 */

import type { GraphResource as PlannedNode } from "./critical-path";

/** What the picture needs of a planned resource (the plan document's resources fit). */
export type GraphResource = PlannedNode & { protect: boolean };

/** Components are subgraphs; the stack itself is the picture. */
const isComponent = (r: GraphResource) => r.type.startsWith("lakehouse:");

const STACK_TYPE = "pulumi:pulumi:Stack";
const MAX_NAMES = 4;

/** `azure-native:storage:BlobContainer` → `BlobContainer`; `databricks:index/secretAcl:SecretAcl` → `SecretAcl`. */
export function shortType(type: string): string {
    if (type.startsWith("pulumi:providers:")) return `${type.slice("pulumi:providers:".length)} provider`;
    return type.split(":").pop() ?? type;
}

const safeId = (text: string) => text.replace(/[^A-Za-z0-9_]/g, "_");
const label = (text: string) => text.replace(/"/g, "#quot;");

/** The names of a group's members without their common prefix (`container-bronze` → `bronze`). */
function memberNames(names: string[]): string[] {
    if (names.length < 2) return names;
    let prefix = names[0];
    for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
    const cut = prefix.includes("-") ? prefix.slice(0, prefix.lastIndexOf("-") + 1) : "";
    return names.map((n) => n.slice(cut.length) || n);
}

interface Node {
    id: string;
    /** URN of the component (or stack) that holds it. */
    parent: string;
    type: string;
    members: GraphResource[];
}

/** Kahn's algorithm with alphabetical tie-breaks: a stable order that follows the arrows. */
function topoOrder(ids: string[], edges: Set<string>): string[] {
    const incoming = new Map(ids.map((id) => [id, 0]));
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const e of edges) {
        const [a, b] = e.split(" ");
        if (!incoming.has(a) || !incoming.has(b) || a === b) continue;
        incoming.set(b, incoming.get(b)! + 1);
        out.get(a)!.push(b);
    }
    const ready = ids.filter((id) => incoming.get(id) === 0).sort();
    const order: string[] = [];
    while (ready.length > 0) {
        const id = ready.shift()!;
        order.push(id);
        for (const next of out.get(id)!) {
            incoming.set(next, incoming.get(next)! - 1);
            if (incoming.get(next) === 0) {
                ready.push(next);
                ready.sort();
            }
        }
    }
    // Cycles (possible once resources are grouped) keep their alphabetical order at the end.
    return [...order, ...ids.filter((id) => !order.includes(id)).sort()];
}

/** Drops `a → c` when `a → … → c` exists through other arrows. */
function transitiveReduction(edges: Set<string>): Set<string> {
    const kept = new Set(edges);
    const reachable = (from: string, to: string, skip: string) => {
        const seen = new Set<string>([from]);
        const stack = [from];
        while (stack.length > 0) {
            const at = stack.pop()!;
            for (const e of kept) {
                if (e === skip) continue;
                const [a, b] = e.split(" ");
                if (a !== at || seen.has(b)) continue;
                if (b === to) return true;
                seen.add(b);
                stack.push(b);
            }
        }
        return false;
    };
    for (const e of [...edges].sort()) {
        const [a, b] = e.split(" ");
        if (reachable(a, b, e)) kept.delete(e);
    }
    return kept;
}

/** The Mermaid flowchart of a plan's resources. */
export function renderMermaid(resources: readonly GraphResource[]): string {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const components = resources.filter(isComponent);
    const nameOf = (urn: string) => byUrn.get(urn)?.name ?? "stack";
    const subgraphId = (urn: string) => `c_${safeId(nameOf(urn))}`;

    // One node per (holder, type).
    const nodes = new Map<string, Node>();
    const nodeOf = new Map<string, string>();
    for (const r of resources) {
        if (r.type === STACK_TYPE || isComponent(r)) continue;
        const holder = byUrn.get(r.parent)?.type === STACK_TYPE ? "" : r.parent;
        const id = `n_${safeId(holder ? nameOf(holder) : "stack")}_${safeId(shortType(r.type))}`;
        const node = nodes.get(id) ?? { id, parent: holder, type: r.type, members: [] };
        node.members.push(r);
        nodes.set(id, node);
        nodeOf.set(r.urn, id);
    }

    // Arrows between nodes, from each dependency to its dependent.
    const edges = new Set<string>();
    for (const r of resources) {
        const to = nodeOf.get(r.urn);
        if (!to) continue;
        for (const dep of r.dependencies) {
            const from = nodeOf.get(dep);
            if (from && from !== to) edges.add(`${from} ${to}`);
        }
    }
    const reduced = transitiveReduction(edges);

    // The provider serves whole components: one dotted arrow to each component it creates resources in.
    const providerEdges = new Set<string>();
    for (const r of resources) {
        const from = nodeOf.get(r.provider);
        const holder = nodeOf.get(r.urn) ? nodes.get(nodeOf.get(r.urn)!)!.parent : "";
        if (from && holder && nodes.get(from)!.parent !== holder) providerEdges.add(`${from} ${subgraphId(holder)}`);
    }

    const nodeOrder = topoOrder([...nodes.keys()], edges);

    // Components in data-flow order: by the arrows between what they hold (and from the provider).
    const topLevel = (urn: string): string => {
        let at = byUrn.get(urn);
        while (at && byUrn.get(at.parent) && byUrn.get(at.parent)!.type !== STACK_TYPE) at = byUrn.get(at.parent);
        return at?.urn ?? "";
    };
    const componentEdges = new Set<string>();
    for (const e of [...edges, ...providerEdges]) {
        const [a, b] = e.split(" ");
        const from = topLevel(nodes.get(a)!.parent);
        const to = b.startsWith("c_") ? topLevel(components.find((c) => subgraphId(c.urn) === b)?.urn ?? "") : topLevel(nodes.get(b)!.parent);
        if (from && to && from !== to) componentEdges.add(`${from} ${to}`);
    }
    const componentOrder = topoOrder(
        components.map((c) => c.urn),
        componentEdges,
    );
    const sortComponents = (list: GraphResource[]) =>
        [...list].sort((a, b) => componentOrder.indexOf(a.urn) - componentOrder.indexOf(b.urn) || a.name.localeCompare(b.name));

    const lines = ["flowchart TB"];
    const renderNode = (node: Node, indent: string) => {
        const names = memberNames(node.members.map((m) => m.name).sort());
        const count = node.members.length;
        const detail = count === 1 ? names[0] : count <= MAX_NAMES ? names.join(" · ") : `${count} resources`;
        const title = count === 1 ? shortType(node.type) : `${shortType(node.type)} ×${count}`;
        lines.push(`${indent}${node.id}["${label(title)}<br/>${label(detail)}"]`);
    };
    const renderHolder = (urn: string, indent: string) => {
        for (const id of nodeOrder) if (nodes.get(id)!.parent === urn) renderNode(nodes.get(id)!, indent);
        for (const c of sortComponents(components.filter((c) => c.parent === urn || (urn === "" && byUrn.get(c.parent)?.type === STACK_TYPE)))) {
            lines.push(`${indent}subgraph ${subgraphId(c.urn)}["${label(`${c.name} · ${shortType(c.type)}`)}"]`);
            renderHolder(c.urn, `${indent}    `);
            lines.push(`${indent}end`);
        }
    };
    renderHolder("", "    ");
    for (const e of [...reduced].sort((x, y) => x.localeCompare(y))) lines.push(`    ${e.replace(" ", " --> ")}`);
    for (const e of [...providerEdges].sort()) lines.push(`    ${e.replace(" ", " -.-> ")}`);
    const protectedNodes = [...nodes.values()].filter((n) => n.members.some((m) => m.protect)).map((n) => n.id).sort();
    if (protectedNodes.length > 0) {
        lines.push("    classDef protected stroke-width:3px");
        lines.push(`    class ${protectedNodes.join(",")} protected`);
    }
    return lines.join("\n");
}

/** The README section of the picture: a fenced Mermaid block (GitHub renders it). */
export function architectureSection(mermaid: string): string {
    return ["```mermaid", mermaid, "```"].join("\n");
}
