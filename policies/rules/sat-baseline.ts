/**
 * Checks of the Databricks Security Analysis Tool (SAT) that apply to what the program creates and
 * that the program meets, as CrossGuard policies, so a later change cannot undo them unnoticed:
 * no SSH keys on clusters (NS-1, NS-2), a supported Databricks Runtime (GOV-5), no DBFS mounts
 * (GOV-11), bounded concurrent job runs (INFO-2), served models governed by Unity Catalog (GOV-28).
 * docs/coverage.md maps every SAT check to the policy that enforces it (policies/public-rules.ts).
 */
import * as databricks from "@pulumi/databricks";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { UNKNOWN, configOf, integerSchema, knownString, list, read } from "./util";

/** Every cluster spec of a job: the job-level one, the shared job clusters, the task clusters. */
function jobClusters(job: { newCluster?: unknown; jobClusters?: unknown; tasks?: unknown }): [string, Record<string, unknown>][] {
    const out: [string, Record<string, unknown>][] = [];
    const add = (where: string, c: unknown) => {
        if (c !== UNKNOWN && c !== null && typeof c === "object") out.push([where, c as Record<string, unknown>]);
    };
    add("newCluster", read(() => job.newCluster));
    for (const c of list<Record<string, unknown>>(() => job.jobClusters)) add(`jobClusters[${knownString(() => c.jobClusterKey) ?? "?"}].newCluster`, read(() => c.newCluster));
    for (const t of list<Record<string, unknown>>(() => job.tasks)) add(`tasks[${knownString(() => t.taskKey) ?? "?"}].newCluster`, read(() => t.newCluster));
    return out;
}

function sshKeysProblem(where: string, cluster: Record<string, unknown>): string | undefined {
    const keys = list<string>(() => cluster.sshPublicKeys);
    return keys.length > 0 ? `${where} sets ${keys.length} SSH public key${keys.length === 1 ? "" : "s"}; use the web terminal instead of SSH into the driver.` : undefined;
}

export const computeNoSshPublicKeys: ResourceValidationPolicy = {
    name: "compute-no-ssh-public-keys",
    description: "No cluster, job cluster or pipeline cluster carries SSH public keys (sshPublicKeys): SSH into a driver bypasses workspace access control and audit logs (SAT NS-1, NS-2).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(databricks.Cluster, (cluster, _args, report) => {
            const problem = sshKeysProblem("the cluster", cluster as unknown as Record<string, unknown>);
            if (problem) report(problem);
        }),
        validateResourceOfType(databricks.Job, (job, _args, report) => {
            for (const [where, c] of jobClusters(job)) {
                const problem = sshKeysProblem(where, c);
                if (problem) report(problem);
            }
        }),
        validateResourceOfType(databricks.Pipeline, (pipeline, _args, report) => {
            for (const c of list<Record<string, unknown>>(() => pipeline.clusters)) {
                const problem = sshKeysProblem(`clusters[${knownString(() => c.label) ?? "?"}]`, c);
                if (problem) report(problem);
            }
        }),
    ],
};

/** `16.4.x-scala2.12` → [16, 4]; `auto:latest-lts` and other aliases → "alias"; anything else → undefined. */
export function runtimeVersion(sparkVersion: string): [number, number] | "alias" | undefined {
    if (/^auto:latest(-lts)?(-ml)?$/.test(sparkVersion)) return "alias";
    const m = /^(\d+)\.(\d+)\.x-/.exec(sparkVersion);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const RUNTIME_SCHEMA = {
    properties: {
        minimumVersion: {
            type: "string" as const,
            pattern: "^\\d+\\.\\d+$",
            default: "15.4",
            description: "Oldest Databricks Runtime (major.minor) clusters may run; raise it as LTS releases reach end of support (learn.microsoft.com/azure/databricks/release-notes/runtime/).",
        },
    },
};

export const computeSupportedRuntime: ResourceValidationPolicy = {
    name: "compute-supported-runtime",
    description:
        "Clusters and job clusters run a Databricks Runtime at least as new as the configured minimum (sparkVersion major.minor, or the auto:latest-lts alias): deprecated runtimes no longer get security fixes (SAT GOV-5).",
    enforcementLevel: "mandatory",
    configSchema: RUNTIME_SCHEMA,
    validateResource: [
        validateResourceOfType(databricks.Cluster, (cluster, args, report) => {
            const problem = runtimeProblem("the cluster", read(() => cluster.sparkVersion), configOf<{ minimumVersion: string }>(args, computeSupportedRuntime).minimumVersion);
            if (problem) report(problem);
        }),
        validateResourceOfType(databricks.Job, (job, args, report) => {
            const { minimumVersion } = configOf<{ minimumVersion: string }>(args, computeSupportedRuntime);
            for (const [where, c] of jobClusters(job)) {
                const problem = runtimeProblem(where, read(() => c.sparkVersion), minimumVersion);
                if (problem) report(problem);
            }
        }),
    ],
};

function runtimeProblem(where: string, sparkVersion: unknown, minimum: string): string | undefined {
    if (sparkVersion === UNKNOWN) return undefined;
    if (typeof sparkVersion !== "string" || sparkVersion === "") return `${where} sets no sparkVersion; pin a supported LTS runtime (${minimum} or later).`;
    const version = runtimeVersion(sparkVersion);
    if (version === "alias") return undefined;
    if (version === undefined) return `${where} sparkVersion ${sparkVersion} is not a Databricks Runtime version this policy can read (major.minor.x-scala…).`;
    const [minMajor, minMinor] = minimum.split(".").map(Number);
    if (version[0] < minMajor || (version[0] === minMajor && version[1] < minMinor)) return `${where} runs Databricks Runtime ${version.join(".")}, older than the minimum ${minimum}; move to a supported LTS release.`;
    return undefined;
}

export const workspaceNoDbfsMounts: ResourceValidationPolicy = {
    name: "workspace-no-dbfs-mounts",
    description: "The program mounts no storage into DBFS (databricks.Mount): a mount gives every workspace user the mount's credentials outside Unity Catalog; data is reached through external locations and volumes (SAT GOV-11).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.Mount, (mount, _args, report) => {
        const name = knownString(() => mount.name) ?? "(unnamed)";
        report(`mounts storage at /mnt/${name}; use a Unity Catalog external location or volume instead.`);
    }),
};

export const jobMaxConcurrentRuns: ResourceValidationPolicy = {
    name: "job-max-concurrent-runs",
    description: "Jobs allow at most the configured number of concurrent runs (maxConcurrentRuns; the Jobs API defaults to 1), so overlapping runs cannot pile up on the same tables and compute (SAT INFO-2). Advisory.",
    enforcementLevel: "advisory",
    configSchema: { properties: { maxRuns: integerSchema("Most concurrent runs a job may allow (SAT's threshold is 5).", 5, 1) } },
    validateResource: validateResourceOfType(databricks.Job, (job, args, report) => {
        const { maxRuns } = configOf<{ maxRuns: number }>(args, jobMaxConcurrentRuns);
        const runs = read(() => job.maxConcurrentRuns);
        if (typeof runs === "number" && runs > maxRuns) report(`maxConcurrentRuns is ${runs}; allow at most ${maxRuns}.`);
    }),
};

export const servingModelsFromUnityCatalog: ResourceValidationPolicy = {
    name: "serving-models-from-unity-catalog",
    description:
        "Serving endpoints serve models registered in Unity Catalog (entityName catalog.schema.model), not the legacy workspace model registry: the model's versions, lineage and grants are then governed like the data (SAT GOV-28).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.ModelServing, (endpoint, _args, report) => {
        const config = read(() => endpoint.config);
        if (!config || config === UNKNOWN) return;
        const entities = list<Record<string, unknown>>(() => (config as Record<string, unknown>).servedEntities);
        for (const e of entities) {
            if (read(() => e.externalModel) !== undefined) continue;
            const name = read(() => e.entityName);
            if (typeof name === "string" && name.split(".").length !== 3) report(`served entity ${knownString(() => e.name) ?? "?"} serves "${name}", not a Unity Catalog model (catalog.schema.model).`);
        }
        for (const m of list<Record<string, unknown>>(() => (config as Record<string, unknown>).servedModels)) {
            const name = read(() => m.modelName);
            if (typeof name === "string" && name.split(".").length !== 3) report(`served model ${knownString(() => m.name) ?? "?"} serves "${name}" from the workspace model registry, not Unity Catalog.`);
        }
    }),
};

export const satBaselinePolicies = [computeNoSshPublicKeys, computeSupportedRuntime, workspaceNoDbfsMounts, jobMaxConcurrentRuns, servingModelsFromUnityCatalog];
