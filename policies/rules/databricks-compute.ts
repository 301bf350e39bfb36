/**
 * Databricks compute: jobs and pipelines run as a service principal, every cluster (interactive,
 * job or policy-governed) runs in a Unity Catalog access mode and shuts down when idle, and SQL
 * warehouses stop when idle.
 */
import * as databricks from "@pulumi/databricks";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { UNKNOWN, integerSchema, knownString, list, read, configOf, stringListSchema } from "./util";

/** Access modes that enforce Unity Catalog (the `kind`-style names are aliases). */
export const UC_ACCESS_MODES = ["USER_ISOLATION", "SINGLE_USER", "DATA_SECURITY_MODE_STANDARD", "DATA_SECURITY_MODE_DEDICATED", "DATA_SECURITY_MODE_AUTO"];

const MAX_IDLE = (what: string, defaults: number) => ({ properties: { maxMinutes: integerSchema(`Longest ${what} may stay idle before it stops, in minutes.`, defaults, 1) } });

export const jobRunsAsServicePrincipal: ResourceValidationPolicy = {
    name: "job-runs-as-service-principal",
    description: "Jobs run as a service principal (runAs.servicePrincipalName), never as the person who deployed them or a user or group: runs keep working when people leave and get only the principal's grants.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.Job, (job, _args, report) => {
        const runAs = read(() => job.runAs);
        if (runAs === UNKNOWN) return;
        const sp = read(() => runAs?.servicePrincipalName);
        if (sp === undefined || sp === null || sp === "") {
            const other = knownString(() => runAs?.userName) ?? knownString(() => runAs?.groupName);
            report(other ? `runAs names "${other}", not a service principal.` : "runAs is not set; the job would run as its owner (whoever deployed it).");
        }
    }),
};

export const pipelineRunsAsServicePrincipal: ResourceValidationPolicy = {
    name: "pipeline-runs-as-service-principal",
    description: "Lakeflow (DLT) pipelines run as a service principal (runAs.servicePrincipalName), never as a user.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.Pipeline, (pipeline, _args, report) => {
        const runAs = read(() => pipeline.runAs);
        if (runAs === UNKNOWN) return;
        const sp = read(() => runAs?.servicePrincipalName);
        if (sp === undefined || sp === null || sp === "") {
            const user = knownString(() => runAs?.userName) ?? knownString(() => pipeline.runAsUserName);
            report(user ? `the pipeline runs as user "${user}", not a service principal.` : "runAs is not set; the pipeline would run as its creator.");
        }
    }),
};

export const pipelineUnityCatalog: ResourceValidationPolicy = {
    name: "pipeline-publishes-to-unity-catalog",
    description: "Lakeflow pipelines publish to a Unity Catalog catalog (catalog set, no legacy DBFS storage location), so their tables are governed by grants.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.Pipeline, (pipeline, _args, report) => {
        const catalog = read(() => pipeline.catalog);
        if (catalog === undefined || catalog === null || catalog === "") report("catalog is not set; the pipeline would publish to the Hive metastore outside Unity Catalog.");
        const storage = read(() => pipeline.storage);
        if (typeof storage === "string" && storage !== "") report(`storage is ${storage}; Unity Catalog pipelines keep their data in the catalog's managed storage.`);
    }),
};

function accessModeProblem(where: string, cluster: unknown): string | undefined {
    if (cluster === undefined || cluster === null || cluster === UNKNOWN) return undefined;
    const mode = knownString(() => (cluster as Record<string, unknown>).dataSecurityMode);
    if (mode !== undefined && UC_ACCESS_MODES.includes(mode)) return undefined;
    if (mode === undefined && read(() => (cluster as Record<string, unknown>).dataSecurityMode) === UNKNOWN) return undefined;
    return `${where} dataSecurityMode is ${mode ?? "unset"}; use a Unity Catalog access mode (${UC_ACCESS_MODES.slice(0, 2).join(" or ")}).`;
}

export const computeUnityCatalogAccessMode: ResourceValidationPolicy = {
    name: "compute-unity-catalog-access-mode",
    description: "Every cluster, job cluster and task cluster sets a Unity Catalog access mode (dataSecurityMode USER_ISOLATION / SINGLE_USER or their STANDARD / DEDICATED aliases); other modes bypass Unity Catalog grants.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(databricks.Cluster, (cluster, _args, report) => {
            const problem = accessModeProblem("the cluster's", cluster);
            if (problem) report(problem);
        }),
        validateResourceOfType(databricks.Job, (job, _args, report) => {
            const clusters: [string, unknown][] = [["newCluster", read(() => job.newCluster)]];
            for (const c of list<Record<string, unknown>>(() => job.jobClusters)) clusters.push([`jobClusters[${knownString(() => c.jobClusterKey) ?? "?"}].newCluster`, read(() => c.newCluster)]);
            for (const t of list<Record<string, unknown>>(() => job.tasks)) clusters.push([`tasks[${knownString(() => t.taskKey) ?? "?"}].newCluster`, read(() => t.newCluster)]);
            for (const [where, cluster] of clusters) {
                const problem = accessModeProblem(`${where}`, cluster);
                if (problem) report(problem);
            }
        }),
    ],
};

export const clusterAutoTermination: ResourceValidationPolicy = {
    name: "cluster-auto-termination",
    description: "Interactive clusters terminate after at most the configured idle minutes (autoterminationMinutes between 1 and the maximum); 0 would keep them, and their cost and open sessions, running forever.",
    enforcementLevel: "mandatory",
    configSchema: MAX_IDLE("an interactive cluster", 60),
    validateResource: validateResourceOfType(databricks.Cluster, (cluster, args, report) => {
        const { maxMinutes } = configOf<{ maxMinutes: number }>(args, clusterAutoTermination);
        const minutes = read(() => cluster.autoterminationMinutes);
        if (minutes === UNKNOWN) return;
        if (typeof minutes !== "number" || minutes < 1 || minutes > maxMinutes) report(`autoterminationMinutes is ${minutes ?? "unset"}; set 1-${maxMinutes}.`);
    }),
};

/** A cluster policy's rules: the definition merged with a policy family's overrides. */
export function policyRules(definition: unknown, overrides: unknown): Record<string, Record<string, unknown>> | undefined {
    const out: Record<string, Record<string, unknown>> = {};
    let any = false;
    for (const text of [definition, overrides]) {
        if (typeof text !== "string" || text.trim() === "") continue;
        try {
            Object.assign(out, JSON.parse(text));
            any = true;
        } catch {
            return undefined;
        }
    }
    return any ? out : {};
}

function clusterPolicyRules(policy: { definition?: unknown; policyFamilyDefinitionOverrides?: unknown }, report: (m: string) => void) {
    const definition = read(() => policy.definition);
    const overrides = read(() => policy.policyFamilyDefinitionOverrides);
    if (definition === UNKNOWN || overrides === UNKNOWN) return undefined;
    const rules = policyRules(definition, overrides);
    if (rules === undefined) report("the policy definition is not valid JSON.");
    return rules;
}

export const clusterPolicyUnityCatalog: ResourceValidationPolicy = {
    name: "cluster-policy-unity-catalog-access-mode",
    description:
        'Cluster policies pin data_security_mode to Unity Catalog access modes ("fixed" or an "allowlist" of USER_ISOLATION / SINGLE_USER and aliases), so no cluster created under them bypasses Unity Catalog; a policy for pipeline clusters only (cluster_type fixed to dlt) is exempt: a Unity Catalog pipeline sets its own clusters\' access mode.',
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(databricks.ClusterPolicy, (policy, _args, report) => {
        const rules = clusterPolicyRules(policy, report);
        if (!rules || pipelineOnly(rules)) return;
        const rule = rules["data_security_mode"];
        const values = rule?.type === "fixed" ? [rule.value] : rule?.type === "allowlist" ? ((rule.values as unknown[]) ?? []) : undefined;
        if (!values || values.length === 0) report(`data_security_mode is ${rule ? `"${String(rule.type)}"` : "not constrained"}; fix it (or allow-list it) to ${UC_ACCESS_MODES.slice(0, 2).join(" or ")}.`);
        else {
            const bad = values.filter((v) => !UC_ACCESS_MODES.includes(String(v)));
            if (bad.length > 0) report(`data_security_mode allows ${bad.join(", ")}, which bypass Unity Catalog.`);
        }
    }),
};

export const clusterPolicyAutoTermination: ResourceValidationPolicy = {
    name: "cluster-policy-auto-termination",
    description: "Cluster policies for interactive clusters bound autotermination_minutes (fixed, or a range from at least 1 to at most the configured maximum); policies pinned to job or pipeline clusters are exempt, those stop with their run.",
    enforcementLevel: "mandatory",
    configSchema: MAX_IDLE("a cluster created under a policy", 60),
    validateResource: validateResourceOfType(databricks.ClusterPolicy, (policy, args, report) => {
        const { maxMinutes } = configOf<{ maxMinutes: number }>(args, clusterPolicyAutoTermination);
        const rules = clusterPolicyRules(policy, () => undefined);
        if (!rules) return;
        // Job and pipeline clusters stop with their run: a policy that allows nothing else is exempt.
        const clusterType = rules["cluster_type"];
        const runBound = (v: unknown) => ["job", "dlt"].includes(String(v));
        if (clusterType?.type === "fixed" && runBound(clusterType.value)) return;
        if (clusterType?.type === "allowlist" && Array.isArray(clusterType.values) && clusterType.values.length > 0 && clusterType.values.every(runBound)) return;
        const rule = rules["autotermination_minutes"];
        const ok =
            (rule?.type === "fixed" && typeof rule.value === "number" && rule.value >= 1 && rule.value <= maxMinutes) ||
            (rule?.type === "range" && typeof rule.maxValue === "number" && rule.maxValue <= maxMinutes && typeof rule.minValue === "number" && rule.minValue >= 1);
        if (!ok) report(`autotermination_minutes is ${rule ? JSON.stringify(rule) : "not constrained"}; fix it or bound it to 1-${maxMinutes} (or allow only job and dlt clusters through cluster_type).`);
    }),
};

/** True for a policy that admits pipeline clusters only (`cluster_type` fixed to `dlt`). */
function pipelineOnly(rules: Record<string, Record<string, unknown> | undefined>): boolean {
    const clusterType = rules["cluster_type"];
    return clusterType?.type === "fixed" && clusterType.value === "dlt";
}

/** True when a cluster policy rule forbids the attribute. */
function forbids(rule: Record<string, unknown> | undefined): boolean {
    return rule?.type === "forbidden";
}

export const clusterPolicyHardened: ResourceValidationPolicy = {
    name: "cluster-policy-hardened",
    description:
        'Cluster policies harden every cluster created under them: local disk encryption fixed on (enable_local_disk_encryption {"type": "fixed", "value": true}), no SSH access ("ssh_public_keys.*" forbidden), no init scripts from DBFS, which any workspace user can overwrite ("init_scripts.*.dbfs.destination" forbidden), and a pinned Databricks Runtime (spark_version fixed or an allow-list of concrete versions, no "auto:" alias, within allowedSparkVersions when configured), except in a policy for pipeline clusters only (cluster_type fixed to dlt), whose runtime the pipeline channel decides.',
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowedSparkVersions: stringListSchema("Runtimes a policy may allow (empty: any concrete version).", []) } },
    validateResource: validateResourceOfType(databricks.ClusterPolicy, (policy, args, report) => {
        const { allowedSparkVersions } = configOf<{ allowedSparkVersions: string[] }>(args, clusterPolicyHardened);
        const rules = clusterPolicyRules(policy, () => undefined);
        if (!rules) return;
        const encryption = rules["enable_local_disk_encryption"];
        if (!(encryption?.type === "fixed" && (encryption.value === true || encryption.value === "true"))) {
            report(`enable_local_disk_encryption is ${encryption ? JSON.stringify(encryption) : "not constrained"}; fix it to true so shuffle and spill data on local disks is encrypted.`);
        }
        if (!forbids(rules["ssh_public_keys.*"]) && !forbids(rules["ssh_public_keys"])) {
            report(`ssh_public_keys is ${rules["ssh_public_keys.*"] ? JSON.stringify(rules["ssh_public_keys.*"]) : "not constrained"}; forbid "ssh_public_keys.*" so no one logs in to cluster nodes past Unity Catalog.`);
        }
        if (!forbids(rules["init_scripts.*.dbfs.destination"])) {
            report('init scripts from DBFS are allowed; forbid "init_scripts.*.dbfs.destination" (any workspace user can overwrite a DBFS file, and init scripts run as root on every node).');
        }
        // Lakeflow pipelines take their runtime from their channel; a pipeline-only policy pins none.
        if (pipelineOnly(rules)) return;
        const version = rules["spark_version"];
        const values = version?.type === "fixed" ? [version.value] : version?.type === "allowlist" ? ((version.values as unknown[]) ?? []) : undefined;
        if (!values || values.length === 0) report(`spark_version is ${version ? `"${String(version.type)}"` : "not constrained"}; pin it (fixed, or an allow-list of concrete runtime versions).`);
        else {
            const floating = values.filter((v) => typeof v !== "string" || v.trim().toLowerCase().startsWith("auto:"));
            if (floating.length > 0) report(`spark_version allows ${floating.map((v) => String(v)).join(", ")}, which is not a pinned runtime.`);
            const outside = allowedSparkVersions.length > 0 ? values.filter((v) => typeof v === "string" && !allowedSparkVersions.includes(v)) : [];
            if (outside.length > 0) report(`spark_version allows ${outside.join(", ")}, not in allowedSparkVersions (${allowedSparkVersions.join(", ")}).`);
        }
    }),
};

export const warehouseAutoStop: ResourceValidationPolicy = {
    name: "warehouse-auto-stop",
    description: "SQL warehouses stop after at most the configured idle minutes (autoStopMins between 1 and the maximum; the provider default is 120, 0 never stops).",
    enforcementLevel: "mandatory",
    configSchema: MAX_IDLE("a SQL warehouse", 60),
    validateResource: validateResourceOfType(databricks.SqlEndpoint, (warehouse, args, report) => {
        const { maxMinutes } = configOf<{ maxMinutes: number }>(args, warehouseAutoStop);
        const minutes = read(() => warehouse.autoStopMins);
        if (minutes === UNKNOWN) return;
        if (typeof minutes !== "number" || minutes < 1 || minutes > maxMinutes) report(`autoStopMins is ${minutes ?? "unset (120)"}; set 1-${maxMinutes}.`);
    }),
};

export const servicePrincipalNoClusterCreate: ResourceValidationPolicy = {
    name: "service-principal-no-cluster-create",
    description: "Workspace service principals cannot create clusters or instance pools of their own (allowClusterCreate / allowInstancePoolCreate not true); they run on the compute and policies the platform defines.",
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(databricks.ServicePrincipal, (sp, _args, report) => {
        const allowed = (["allowClusterCreate", "allowInstancePoolCreate"] as const).filter((f) => read(() => sp[f]) === true);
        if (allowed.length > 0) report(`${allowed.join(" and ")} ${allowed.length > 1 ? "are" : "is"} true for ${knownString(() => sp.displayName) ?? "the service principal"}.`);
    }),
};

export const databricksComputePolicies = [
    jobRunsAsServicePrincipal,
    pipelineRunsAsServicePrincipal,
    pipelineUnityCatalog,
    computeUnityCatalogAccessMode,
    clusterAutoTermination,
    clusterPolicyUnityCatalog,
    clusterPolicyAutoTermination,
    clusterPolicyHardened,
    warehouseAutoStop,
    servicePrincipalNoClusterCreate,
];
