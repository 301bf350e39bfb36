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

/** Unity Catalog access modes a hand-started cluster may use: standard (shared) or dedicated. */
export const UC_ACCESS_MODES = ["USER_ISOLATION", "SINGLE_USER"] as const;

/**
 * The cluster policy for clusters users start by hand (all-purpose compute): node types from the
 * allow-list, at most `maxWorkers` workers (fixed or autoscaling), auto-termination on and capped,
 * and a Unity Catalog access mode. Rules on worker counts are optional so that both fixed-size
 * and autoscaling clusters validate.
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
        spark_version: { type: "unlimited", defaultValue: "auto:latest-lts" },
    };
    return JSON.stringify(definition);
}

/**
 * The policy the job's and the pipeline's classic clusters are created under. The pipeline service
 * principal runs both and may not create clusters freely (`allowClusterCreate` is false): it gets
 * CAN_USE on this policy instead, which lets it start exactly these clusters — job and pipeline
 * compute only, of the stack's node type, up to its worker cap, in dedicated (single-user) mode.
 * No `spark_version` rule: Lakeflow pipelines pick their runtime from their channel.
 */
export function jobComputePolicyDefinition(cluster: { nodeType: string; maxWorkers: number }): string {
    const definition = {
        cluster_type: { type: "allowlist", values: ["job", "dlt"] },
        node_type_id: { type: "fixed", value: cluster.nodeType },
        driver_node_type_id: { type: "fixed", value: cluster.nodeType },
        num_workers: { type: "range", minValue: 0, maxValue: cluster.maxWorkers, isOptional: true },
        "autoscale.min_workers": { type: "range", minValue: 1, maxValue: cluster.maxWorkers, isOptional: true },
        "autoscale.max_workers": { type: "range", minValue: 1, maxValue: cluster.maxWorkers, isOptional: true },
        data_security_mode: { type: "fixed", value: "SINGLE_USER", hidden: true },
    };
    return JSON.stringify(definition);
}
