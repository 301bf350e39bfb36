/**
 * One compute profile sizes everything: `lakehouse:computeSize` picks the SQL warehouse size,
 * job and pipeline clusters, the serving workload and the app. Components read the resolved
 * profile from the config object; per-resource overrides are applied in config, not here.
 *
 * Pure: unit-tested without mocks.
 */

export const COMPUTE_SIZES = ["small", "medium", "large"] as const;
export type ComputeSize = (typeof COMPUTE_SIZES)[number];

/** SQL warehouse t-shirt sizes Databricks accepts, smallest first. */
export const WAREHOUSE_SIZES = [
    "2X-Small",
    "X-Small",
    "Small",
    "Medium",
    "Large",
    "X-Large",
    "2X-Large",
    "3X-Large",
    "4X-Large",
] as const;
export type WarehouseSize = (typeof WAREHOUSE_SIZES)[number];

/** Serving workload sizes (concurrency 4 / 16 / 64). */
export const SERVING_WORKLOAD_SIZES = ["Small", "Medium", "Large"] as const;
export type ServingWorkloadSize = (typeof SERVING_WORKLOAD_SIZES)[number];

/** Databricks App compute sizes. */
export const APP_COMPUTE_SIZES = ["MEDIUM", "LARGE"] as const;
export type AppComputeSize = (typeof APP_COMPUTE_SIZES)[number];

/** Everything the profile decides. */
export interface SizeProfile {
    warehouse: { size: WarehouseSize; minClusters: number; maxClusters: number };
    /** Job and pipeline clusters (classic compute; ignored when serverless). */
    cluster: { nodeType: string; minWorkers: number; maxWorkers: number };
    serving: { workloadSize: ServingWorkloadSize };
    app: { computeSize: AppComputeSize };
}

const PROFILES: Record<ComputeSize, SizeProfile> = {
    small: {
        warehouse: { size: "2X-Small", minClusters: 1, maxClusters: 1 },
        cluster: { nodeType: "Standard_D4ds_v5", minWorkers: 1, maxWorkers: 2 },
        serving: { workloadSize: "Small" },
        app: { computeSize: "MEDIUM" },
    },
    medium: {
        warehouse: { size: "Small", minClusters: 1, maxClusters: 2 },
        cluster: { nodeType: "Standard_D8ds_v5", minWorkers: 2, maxWorkers: 4 },
        serving: { workloadSize: "Medium" },
        app: { computeSize: "MEDIUM" },
    },
    large: {
        warehouse: { size: "Medium", minClusters: 1, maxClusters: 4 },
        cluster: { nodeType: "Standard_D16ds_v5", minWorkers: 4, maxWorkers: 8 },
        serving: { workloadSize: "Large" },
        app: { computeSize: "LARGE" },
    },
};

/** The profile of a size (a fresh copy: callers may apply overrides to it). */
export function sizeProfile(size: ComputeSize): SizeProfile {
    return JSON.parse(JSON.stringify(PROFILES[size])) as SizeProfile;
}
