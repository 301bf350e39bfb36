/**
 * Violating and compliant cases of the SAT baseline policies (policies/rules/sat-baseline.ts),
 * spread into CASES by tests/policy-cases.ts.
 */
import type { PolicyCases } from "./policy-cases";
import { PIPELINE_APP_ID, T, endpoint, res } from "./policy-fixtures";

const MOUNT = "databricks:index/mount:Mount";
const job = (props: Record<string, unknown>) => [res(T.job, { name: "full-run", runAs: { servicePrincipalName: PIPELINE_APP_ID }, ...props })];
const jobCluster = (newCluster: Record<string, unknown>) => job({ jobClusters: [{ jobClusterKey: "main", newCluster: { nodeTypeId: "Standard_D4ds_v5", dataSecurityMode: "SINGLE_USER", ...newCluster } }] });
const CLUSTER = { sparkVersion: "16.4.x-scala2.12", nodeTypeId: "Standard_D4ds_v5", numWorkers: 1, dataSecurityMode: "USER_ISOLATION", autoterminationMinutes: 30 };

export const SAT_CASES: Record<string, PolicyCases> = {
    "compute-no-ssh-public-keys": {
        violating: [
            { title: "an SSH key on a job cluster", resources: () => jobCluster({ sparkVersion: "16.4.x-scala2.12", sshPublicKeys: ["ssh-ed25519 AAAA admin"] }), says: /jobClusters\[main\]\.newCluster sets 1 SSH public key/ },
            { title: "SSH keys on an interactive cluster", resources: () => [res(T.cluster, { ...CLUSTER, sshPublicKeys: ["ssh-rsa AAAA a", "ssh-rsa AAAA b"] })], says: /the cluster sets 2 SSH public keys/ },
            { title: "an SSH key on a pipeline cluster", resources: () => [res(T.pipeline, { name: "p", catalog: "lake", clusters: [{ label: "default", sshPublicKeys: ["ssh-ed25519 AAAA x"] }] })], says: /clusters\[default\]/ },
        ],
        compliant: [{ title: "clusters without SSH keys", resources: () => [res(T.cluster, CLUSTER), ...jobCluster({ sparkVersion: "16.4.x-scala2.12" })] }],
    },
    "compute-supported-runtime": {
        violating: [
            { title: "a job cluster on 13.3 LTS", resources: () => jobCluster({ sparkVersion: "13.3.x-scala2.12" }), says: /runs Databricks Runtime 13.3, older than the minimum 15.4/ },
            { title: "a cluster below a raised minimum", resources: () => [res(T.cluster, CLUSTER)], config: { minimumVersion: "17.3" }, says: /16.4, older than the minimum 17.3/ },
            { title: "a task cluster without a runtime", resources: () => job({ tasks: [{ taskKey: "t", newCluster: { numWorkers: 1 } }] }), says: /tasks\[t\]\.newCluster sets no sparkVersion/ },
        ],
        compliant: [
            { title: "16.4 LTS", resources: () => [res(T.cluster, CLUSTER), ...jobCluster({ sparkVersion: "16.4.x-scala2.12" })] },
            { title: "the latest LTS alias", resources: () => jobCluster({ sparkVersion: "auto:latest-lts" }) },
            { title: "a serverless job (no cluster)", resources: () => job({ tasks: [{ taskKey: "t", environmentKey: "default" }] }) },
        ],
    },
    "workspace-no-dbfs-mounts": {
        violating: [{ title: "a DBFS mount of the lake", resources: () => [res(MOUNT, { name: "lake", uri: "abfss://gold@lake.dfs.core.windows.net/" })], says: /mounts storage at \/mnt\/lake/ }],
        compliant: [{ title: "an external location instead", resources: () => [res(T.externalLocation, { name: "gold", url: "abfss://gold@lake.dfs.core.windows.net/", credentialName: "lake" })] }],
    },
    "job-max-concurrent-runs": {
        violating: [
            { title: "ten concurrent runs", resources: () => job({ maxConcurrentRuns: 10 }), says: /maxConcurrentRuns is 10; allow at most 5/ },
            { title: "over a stricter maximum", resources: () => job({ maxConcurrentRuns: 2 }), config: { maxRuns: 1 }, says: /allow at most 1/ },
        ],
        compliant: [
            { title: "one run at a time", resources: () => job({ maxConcurrentRuns: 1 }) },
            { title: "the API default", resources: () => job({}) },
        ],
    },
    "serving-models-from-unity-catalog": {
        violating: [
            {
                title: "a workspace registry model",
                resources: () => [res(T.serving, endpoint([["champion", 100], ["challenger", 0]], { config: { servedEntities: [{ name: "champion", entityName: "pneumonia_classifier", entityVersion: "3", workloadSize: "Small" }], trafficConfig: { routes: [{ servedEntityName: "champion", trafficPercentage: 100 }] } } }))],
                says: /serves "pneumonia_classifier", not a Unity Catalog model/,
            },
            {
                title: "a legacy served model",
                resources: () => [res(T.serving, { name: "e", config: { servedModels: [{ name: "m", modelName: "churn", modelVersion: "1", workloadSize: "Small" }] } })],
                says: /workspace model registry/,
            },
        ],
        compliant: [
            { title: "Unity Catalog models", resources: () => [res(T.serving, endpoint([["champion", 90], ["challenger", 10]]))] },
            { title: "an external model", resources: () => [res(T.serving, { name: "llm", config: { servedEntities: [{ name: "gpt", externalModel: { name: "gpt-4o", provider: "openai", task: "llm/v1/chat" } }] } })] },
        ],
    },
};
