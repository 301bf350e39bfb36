/**
 * Who may do what with the warehouse, pipeline, job and cluster policy, and what the cluster
 * policy allows. Pure: plain data from resolved settings; unit-tested without mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AccessControl, roleAccessControls, AclPrincipal } from "./access";
import { ClusterPolicySettings } from "./settings/pipelines";

/** Permission levels per object for the two kinds of access config can give (never manage or own). */
export const LEVELS = {
    job: { run: "CAN_MANAGE_RUN", view: "CAN_VIEW" },
    pipeline: { run: "CAN_RUN", view: "CAN_VIEW" },
    warehouse: { run: "CAN_USE", view: "CAN_VIEW" },
    clusterPolicy: { run: "CAN_USE" },
    /** The uploaded workload code: readable, never editable, by those who run or view it. */
    code: { run: "CAN_READ", view: "CAN_READ" },
} as const;

/** The access list of one object: run roles, then view-only roles, then the platform entries. */
export function accessList(
    object: keyof typeof LEVELS,
    permissions: { run: readonly string[]; view: readonly string[] },
    principals: Record<string, AclPrincipal>,
    platform: AccessControl[] = [],
): AccessControl[] {
    const levels: { run: string; view?: string } = LEVELS[object];
    return [
        ...roleAccessControls(permissions.run, principals, levels.run),
        ...(levels.view ? roleAccessControls(permissions.view, principals, levels.view) : []),
        ...platform,
    ];
}

/** The pipeline service principal at a level (it owns the job and the pipeline and uses the warehouse). */
export function servicePrincipalAccess(applicationId: pulumi.Input<string>, permissionLevel: string): AccessControl {
    return { servicePrincipalName: applicationId, permissionLevel };
}

/** The Databricks Runtime the platform's classic clusters run (an LTS release): the job cluster, and the only one the cluster policy allows. */
export const CLUSTER_RUNTIME = "16.4.x-scala2.12";

/** Unity Catalog access modes a hand-started cluster may use: standard (shared) or dedicated. */
export const UC_ACCESS_MODES = ["USER_ISOLATION", "SINGLE_USER"] as const;

/**
 * The cluster policy for clusters users start by hand (all-purpose compute): node types from the
 * allow-list, at most `maxWorkers` workers (fixed or autoscaling), auto-termination on and capped,
 * a Unity Catalog access mode, the platform's LTS runtime, encrypted local disks, no SSH keys and
 * no init scripts from DBFS. Rules on worker counts are optional so that both fixed-size and
 * autoscaling clusters validate.
 */
export function clusterPolicyDefinition(caps: ClusterPolicySettings): string {
    const [defaultNode] = caps.allowedNodeTypes;
    const definition = {
        cluster_type: { type: "fixed", value: "all-purpose" },
        node_type_id: { type: "allowlist", values: caps.allowedNodeTypes, defaultValue: defaultNode },
        driver_node_type_id: { type: "allowlist", values: caps.allowedNodeTypes, defaultValue: defaultNode },
        num_workers: { type: "range", minValue: 0, maxValue: caps.maxWorkers, defaultValue: Math.min(1, caps.maxWorkers), isOptional: true },
        "autoscale.min_workers": { type: "range", minValue: 1, maxValue: caps.maxWorkers, defaultValue: 1, isOptional: true },
        "autoscale.max_workers": { type: "range", minValue: 1, maxValue: caps.maxWorkers, defaultValue: Math.min(2, caps.maxWorkers), isOptional: true },
        autotermination_minutes: { type: "range", minValue: 10, maxValue: caps.autoTerminationMinutes, defaultValue: Math.min(30, caps.autoTerminationMinutes) },
        data_security_mode: { type: "allowlist", values: [...UC_ACCESS_MODES], defaultValue: UC_ACCESS_MODES[0] },
        spark_version: { type: "allowlist", values: [CLUSTER_RUNTIME], defaultValue: CLUSTER_RUNTIME },
        ...NODE_HARDENING,
    };
    return JSON.stringify(definition);
}

/**
 * What every policy enforces on the nodes: encrypted local disks, no SSH into nodes, no init
 * scripts from DBFS (any user can overwrite them, and they run as root on every node).
 */
export const NODE_HARDENING = {
    enable_local_disk_encryption: { type: "fixed", value: true },
    "ssh_public_keys.*": { type: "forbidden" },
    "init_scripts.*.dbfs.destination": { type: "forbidden" },
} as const;

/** The two kinds of run-bound compute the pipeline principal starts: the job's cluster and the pipeline's. */
export type RunCompute = "job" | "dlt";

/**
 * The policy the job's (`job`) or the pipeline's (`dlt`) classic clusters are created under. The
 * pipeline service principal runs both and may not create clusters freely (`allowClusterCreate` is
 * false): it gets CAN_USE on these policies instead, which lets it start exactly these clusters —
 * of the stack's node type, up to its worker cap, dedicated (single-user), hardened nodes, the job
 * on the platform's pinned runtime. A pipeline's runtime comes from its channel, so that policy
 * pins none.
 */
export function runComputePolicyDefinition(kind: RunCompute, cluster: { nodeType: string; maxWorkers: number }): string {
    const definition = {
        cluster_type: { type: "fixed", value: kind },
        node_type_id: { type: "fixed", value: cluster.nodeType },
        driver_node_type_id: { type: "fixed", value: cluster.nodeType },
        num_workers: { type: "range", minValue: 0, maxValue: cluster.maxWorkers, isOptional: true },
        "autoscale.min_workers": { type: "range", minValue: 1, maxValue: cluster.maxWorkers, isOptional: true },
        "autoscale.max_workers": { type: "range", minValue: 1, maxValue: cluster.maxWorkers, isOptional: true },
        ...(kind === "job" ? { spark_version: { type: "fixed", value: CLUSTER_RUNTIME }, data_security_mode: { type: "fixed", value: "SINGLE_USER", hidden: true } } : {}),
        ...NODE_HARDENING,
    };
    return JSON.stringify(definition);
}
