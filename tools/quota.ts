/**
 * The compute quota a stack needs before `pulumi up` can run it: vCPUs per Azure VM family and
 * region, for the classic clusters that run at once (the full-run job refreshes the pipeline while
 * its own cluster waits, so both are up together), and per hand-started cluster the interactive
 * policy allows. Azure refuses to start clusters beyond the subscription's regional vCPU quota per
 * family, so an operator compares these figures with `az vm list-usage --location <region>`.
 * Pure, from the planned resources; unit-tested.
 */

/** An Azure VM size as quota counts it. */
export interface VmSize {
    /** The quota family, as `az vm list-usage` names it (e.g. `standardDDSv5Family`). */
    family: string;
    vCPUs: number;
}

/** Sizes whose names do not carry their vCPU count (the v2 generation Databricks still offers). */
const V2_SIZES: Record<string, VmSize> = {
    Standard_DS3_v2: { family: "standardDSv2Family", vCPUs: 4 },
    Standard_DS4_v2: { family: "standardDSv2Family", vCPUs: 8 },
    Standard_DS5_v2: { family: "standardDSv2Family", vCPUs: 16 },
    Standard_D3_v2: { family: "standardDv2Family", vCPUs: 4 },
    Standard_D4_v2: { family: "standardDv2Family", vCPUs: 8 },
    Standard_D5_v2: { family: "standardDv2Family", vCPUs: 16 },
    Standard_DS12_v2: { family: "standardDSv2Family", vCPUs: 4 },
    Standard_DS13_v2: { family: "standardDSv2Family", vCPUs: 8 },
    Standard_DS14_v2: { family: "standardDSv2Family", vCPUs: 16 },
};

/**
 * The quota family and vCPUs of a size named by the current convention,
 * `Standard_<series><vCPUs><features>_v<generation>` (`Standard_D8ds_v5` → DDSv5 family, 8 vCPUs;
 * `Standard_E16s_v3` → ESv3, 16; `Standard_F8s_v2` → FSv2, 8), or one of the v2 sizes above.
 * Undefined for a name it cannot read: the plan then says so instead of counting it as zero.
 */
export function vmSize(name: string): VmSize | undefined {
    if (V2_SIZES[name]) return V2_SIZES[name];
    const m = /^Standard_([A-Z]+)(\d+)([a-z]*)_v(\d+)$/.exec(name);
    if (!m) return undefined;
    const [, series, cpus, features, generation] = m;
    return { family: `standard${series}${features.toUpperCase()}v${generation}Family`, vCPUs: Number(cpus) };
}

/** What a planned resource looks like to the quota count (a plan document resource fits). */
export interface QuotaResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** One cluster's share of a family's vCPUs. */
export interface QuotaPart {
    /** `pipeline medallion`, `job full-run`, `each hand-started cluster (interactive-policy)`. */
    what: string;
    nodeType: string;
    /** Driver plus the most workers it may scale to. */
    nodes: number;
    vCPUs?: number;
}

export interface QuotaDemand {
    region: string;
    /** Family → vCPUs needed at once by the stack's own clusters (job and pipeline). */
    atOnce: { family: string; vCPUs: number; parts: QuotaPart[] }[];
    /** Hand-started clusters: the most one cluster may take, per allowed node type. */
    perHandStartedCluster: QuotaPart[];
    /** Node types whose family and size could not be read: check them by hand. */
    unknown: QuotaPart[];
}

type Cluster = { nodeTypeId?: string; driverNodeTypeId?: string; numWorkers?: number; autoscale?: { maxWorkers?: number } };

function clusterPart(what: string, c: Cluster): QuotaPart | undefined {
    if (!c.nodeTypeId) return undefined;
    const workers = c.autoscale?.maxWorkers ?? c.numWorkers ?? 0;
    return { what, nodeType: c.nodeTypeId, nodes: workers + 1 };
}

export function quotaDemand(resources: readonly QuotaResource[], region: string): QuotaDemand {
    const parts: QuotaPart[] = [];
    const perHandStartedCluster: QuotaPart[] = [];
    for (const r of resources) {
        if (r.type === "databricks:index/pipeline:Pipeline") {
            for (const c of (r.inputs.clusters as Cluster[] | undefined) ?? []) {
                const part = clusterPart(`pipeline ${r.name}`, c);
                if (part) parts.push(part);
            }
        } else if (r.type === "databricks:index/job:Job") {
            for (const jc of (r.inputs.jobClusters as { jobClusterKey?: string; newCluster?: Cluster }[] | undefined) ?? []) {
                const part = jc.newCluster && clusterPart(`job ${r.name}`, jc.newCluster);
                if (part) parts.push(part);
            }
        } else if (r.type === "databricks:index/clusterPolicy:ClusterPolicy") {
            const definition = JSON.parse(String(r.inputs.definition ?? "{}")) as Record<string, { type?: string; value?: unknown; values?: unknown[]; maxValue?: number }>;
            const clusterType = definition.cluster_type;
            if (clusterType?.value !== "all-purpose") continue;
            const nodeTypes = (definition.node_type_id?.values ?? [definition.node_type_id?.value]).filter((n): n is string => typeof n === "string");
            const maxWorkers = Math.max(definition["autoscale.max_workers"]?.maxValue ?? 0, definition.num_workers?.maxValue ?? 0);
            for (const nodeType of nodeTypes) perHandStartedCluster.push({ what: `each hand-started cluster (${r.name})`, nodeType, nodes: maxWorkers + 1 });
        }
    }
    const withCpus = (p: QuotaPart): QuotaPart => {
        const size = vmSize(p.nodeType);
        return size ? { ...p, vCPUs: p.nodes * size.vCPUs } : p;
    };
    const families = new Map<string, QuotaPart[]>();
    const unknown: QuotaPart[] = [];
    for (const part of [...parts, ...perHandStartedCluster]) if (!vmSize(part.nodeType)) unknown.push(part);
    for (const part of parts) {
        const size = vmSize(part.nodeType);
        if (!size) continue;
        families.set(size.family, [...(families.get(size.family) ?? []), withCpus(part)]);
    }
    return {
        region,
        atOnce: [...families].map(([family, ps]) => ({ family, vCPUs: ps.reduce((n, p) => n + (p.vCPUs ?? 0), 0), parts: ps })).sort((a, b) => a.family.localeCompare(b.family)),
        perHandStartedCluster: perHandStartedCluster.filter((p) => vmSize(p.nodeType)).map(withCpus),
        unknown,
    };
}

/** The quota lines of the plan's text report. */
export function renderQuota(q: QuotaDemand): string[] {
    const lines = [`Compute quota (vCPUs in ${q.region}; compare with az vm list-usage --location ${q.region}):`];
    if (q.atOnce.length === 0 && q.unknown.length === 0) lines.push("  the job and the pipeline run on serverless compute: no VM quota of yours");
    for (const f of q.atOnce) {
        lines.push(`  ${f.family}: ${f.vCPUs} at once (${f.parts.map((p) => `${p.what} ${p.nodes} × ${p.nodeType}`).join(" + ")})`);
    }
    for (const p of q.perHandStartedCluster) lines.push(`  plus ${p.what}: up to ${p.vCPUs} (${p.nodes} × ${p.nodeType}, ${vmSize(p.nodeType)?.family})`);
    for (const p of q.unknown) lines.push(`  ${p.what}: ${p.nodes} × ${p.nodeType} — size not known here, check its family and vCPUs by hand`);
    return lines;
}
