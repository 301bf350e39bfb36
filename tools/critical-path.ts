/**
 * The modelled critical path of a fresh `pulumi up`: the engine creates a resource once everything
 * it waits for exists, so the wall time of an update is the longest chain of dependent resources,
 * weighted by how long each takes to create. Pure, unit-tested.
 *
 * A resource waits for: its `dependencies` (inputs and `dependsOn`; a component there stands for
 * all its custom descendants), its explicit provider (the Databricks provider waits for the
 * workspace), and its parent when the parent is a custom resource (a component parent costs
 * nothing and is not waited on).
 */

/** Typical creation time in seconds, as a range. */
export interface Duration {
    low: number;
    high: number;
}

/** What the model reads from a planned resource. */
export interface GraphResource {
    urn: string;
    type: string;
    name: string;
    parent: string;
    provider: string;
    dependencies: string[];
    explicitDependencies?: string[];
    inputs?: Record<string, unknown>;
}

/**
 * Typical creation times (seconds) of the types this program registers, from provider docs,
 * runbooks and operator experience. Workspace 5-15 minutes (about ten is common); serving endpoint
 * 5 minutes up to the provider's 45-minute wait (the runbook: "ready in 5-10 minutes"; the provider
 * waits until the endpoint is READY, and gives up after 45); a sleep takes its own duration; an app
 * waits for its compute; its deploy (the only command the program runs: `databricks apps deploy`,
 * which waits while Databricks runs npm install, the build and the start) takes minutes too;
 * everything else is an API call of seconds.
 */
export const CREATION_SECONDS: Readonly<Record<string, Duration>> = {
    "azure-native:databricks:Workspace": { low: 300, high: 900 },
    "databricks:index/modelServing:ModelServing": { low: 300, high: 2700 },
    "databricks:index/app:App": { low: 120, high: 300 },
    "command:local:Command": { low: 60, high: 300 },
    "databricks:index/sqlEndpoint:SqlEndpoint": { low: 10, high: 300 },
    "azure-native:storage:StorageAccount": { low: 20, high: 60 },
    "azure-native:databricks:AccessConnector": { low: 10, high: 30 },
    "azure-native:authorization:RoleAssignment": { low: 3, high: 30 },
    "azuread:index/application:Application": { low: 3, high: 10 },
    "azuread:index/servicePrincipal:ServicePrincipal": { low: 3, high: 10 },
    "databricks:index/externalLocation:ExternalLocation": { low: 3, high: 15 },
    "random:index/randomString:RandomString": { low: 0, high: 0 },
    "random:index/randomPassword:RandomPassword": { low: 0, high: 0 },
    "pulumi:providers:databricks": { low: 0, high: 1 },
};

/** Most resources: one API call. */
export const DEFAULT_SECONDS: Duration = { low: 1, high: 5 };

/** Components and the stack create nothing. */
const FREE: Duration = { low: 0, high: 0 };

export function isComponent(r: Pick<GraphResource, "type">): boolean {
    return r.type === "pulumi:pulumi:Stack" || r.type.startsWith("lakehouse:");
}

/** The creation time of a resource (a serverless warehouse starts in seconds, a classic one in minutes). */
export function durationOf(r: GraphResource): Duration {
    if (isComponent(r)) return FREE;
    if (r.type === "databricks:index/sqlEndpoint:SqlEndpoint") {
        return r.inputs?.enableServerlessCompute === true ? { low: 5, high: 30 } : { low: 120, high: 300 };
    }
    if (r.type === "time:index/sleep:Sleep") {
        const seconds = goDurationSeconds(String(r.inputs?.createDuration ?? "0s"));
        return { low: seconds, high: seconds };
    }
    return CREATION_SECONDS[r.type] ?? DEFAULT_SECONDS;
}

/** Seconds of a Go duration as the time provider reads it (`90s`, `5m`, `1h30m`). */
export function goDurationSeconds(text: string): number {
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let total = 0;
    for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(value) * units[unit];
    return total;
}

/** One edge of the graph, and whether only `dependsOn` explains it. */
export interface Edge {
    from: string;
    to: string;
    kind: "input" | "dependsOn" | "provider" | "parent";
}

/** Who waits for whom: resource URN → the custom resources it waits for. */
export function waitsFor(resources: readonly GraphResource[]): Map<string, Edge[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const children = new Map<string, string[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
    const customDescendants = (urn: string): string[] => {
        const out: string[] = [];
        for (const child of children.get(urn) ?? []) {
            const c = byUrn.get(child)!;
            if (isComponent(c)) out.push(...customDescendants(child));
            else out.push(child, ...customDescendants(child));
        }
        return out;
    };
    const edges = new Map<string, Edge[]>();
    for (const r of resources) {
        if (isComponent(r)) continue;
        const list: Edge[] = [];
        const explicit = new Set(r.explicitDependencies ?? []);
        const add = (target: string, kind: Edge["kind"]) => {
            const t = byUrn.get(target);
            if (!t || target === r.urn) return;
            const targets = isComponent(t) ? customDescendants(target) : [target];
            for (const to of targets) if (!list.some((e) => e.to === to)) list.push({ from: r.urn, to, kind });
        };
        for (const d of r.dependencies) add(d, explicit.has(d) ? "dependsOn" : "input");
        if (r.provider) add(r.provider, "provider");
        const parent = byUrn.get(r.parent);
        if (parent && !isComponent(parent)) add(r.parent, "parent");
        edges.set(r.urn, list);
    }
    return edges;
}

export interface CriticalPath {
    /** The chain, first created first, with each step's creation time and the edge that led to it. */
    steps: { urn: string; type: string; name: string; duration: Duration; via?: Edge["kind"] }[];
    /** Sum along the chain with high (worst typical) and low durations. */
    total: Duration;
    /** The longest chain's length when every resource takes its low time (may be another chain). */
    bestCase: number;
    /** `dependsOn` edges on the chain: ordering the data flow does not need. */
    dependsOnEdges: Edge[];
}

/** The longest chain of dependent resources, weighted by the high creation times. */
export function criticalPath(resources: readonly GraphResource[]): CriticalPath {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const edges = waitsFor(resources);
    const memo = new Map<string, { high: number; low: number; prev?: Edge }>();
    const visiting = new Set<string>();
    const finish = (urn: string): { high: number; low: number; prev?: Edge } => {
        const known = memo.get(urn);
        if (known) return known;
        if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
        visiting.add(urn);
        const d = durationOf(byUrn.get(urn)!);
        let best: { high: number; prev?: Edge } = { high: 0 };
        let low = 0;
        for (const e of edges.get(urn) ?? []) {
            const f = finish(e.to);
            if (f.high > best.high || (f.high === best.high && !best.prev)) best = { high: f.high, prev: e };
            low = Math.max(low, f.low);
        }
        const result = { high: best.high + d.high, low: low + d.low, prev: best.prev };
        visiting.delete(urn);
        memo.set(urn, result);
        return result;
    };
    let end: string | undefined;
    let bestCase = 0;
    for (const urn of edges.keys()) {
        const f = finish(urn);
        bestCase = Math.max(bestCase, f.low);
        if (!end || f.high > finish(end).high) end = urn;
    }
    const steps: CriticalPath["steps"] = [];
    const chainEdges: Edge[] = [];
    for (let cursor = end; cursor; ) {
        const r = byUrn.get(cursor)!;
        const prev = memo.get(cursor)!.prev;
        // `via`: why this step waits for the one before it.
        steps.unshift({ urn: r.urn, type: r.type, name: r.name, duration: durationOf(r), via: prev?.kind });
        if (prev) chainEdges.push(prev);
        cursor = prev?.to;
    }
    const total = steps.reduce((t, s) => ({ low: t.low + s.duration.low, high: t.high + s.duration.high }), { low: 0, high: 0 });
    return { steps, total, bestCase, dependsOnEdges: chainEdges.filter((e) => e.kind === "dependsOn") };
}

/** `4m 30s` */
export function formatSeconds(seconds: number): string {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds % 60);
    return m > 0 ? `${m}m ${String(s).padStart(2, "0")}s` : `${s}s`;
}
