/**
 * Pipelines settings (`lakehouse:pipelines`): the SQL warehouse, the Lakeflow pipeline, the
 * full-run job and its schedule, the cluster policy for hand-started clusters, and who may run
 * or view them. Dev/prod differences (development mode, paused schedule) and sizes are resolved
 * here, once. Pure: unit-tested without mocks.
 */
import { kebab } from "../naming";
import { SizeProfile, WAREHOUSE_SIZES, WarehouseSize } from "../sizing";
import { PlatformSettings } from "./platform";
import { DeclaredPrincipal, PLATFORM_ROLES, checkRole } from "./principals";
import { QUARTZ_ALLOWED, quartzProblem } from "../../policies/quartz";
import { Checker, PlainObject, keyPath } from "./validate";

/** What the full-run job does by default: one triggered pipeline update, or a bounded micro-batch loop. */
export const PIPELINE_MODES = ["batch", "stream"] as const;
export type PipelineMode = (typeof PIPELINE_MODES)[number];

/** `auto` follows the environment: on (development mode, paused schedule) outside production. */
export const AUTO = "auto";
export type TriState = boolean | typeof AUTO;

/** Azure VM sizes as Databricks names node types. */
const NODE_TYPE = { pattern: /^Standard_[A-Za-z0-9_]+$/, allowed: "an Azure VM size such as Standard_D4ds_v5" };
export const EMAIL = { pattern: /^[^\s@,;<>]+@[^\s@,;<>]+\.[A-Za-z]{2,}$/, allowed: "an e-mail address such as data-oncall@example.com" };
/** IANA zone names (Java accepts the same ids): letters first, no offsets like +01:00. */
const TIMEZONE_SHAPE = /^(?:[A-Z][A-Za-z_+-]*(?:\/[A-Za-z0-9_+-]+)*)$/;

/** Defaults of `lakehouse:pipelines`; `Pulumi.yaml` declares the same value (a test keeps them equal). */
export const PIPELINES_DEFAULTS = {
    serverless: false,
    continuous: false,
    development: AUTO as TriState,
    mode: "batch" as PipelineMode,
    schedule: { cron: "0 0 2 * * ?", timezone: "UTC", paused: AUTO as TriState },
    notifications: { onFailure: [] as string[] },
    warehouse: { serverless: true, autoStopMinutes: 10 },
    clusterPolicy: {
        allowedNodeTypes: ["Standard_D4ds_v5", "Standard_D8ds_v5", "Standard_D16ds_v5"],
        maxWorkers: 8,
        autoTerminationMinutes: 60,
    },
    permissions: { run: [] as string[], view: [] as string[] },
};

export const PIPELINES_KEYS = ["pipelines"] as const;

const FIELDS = ["serverless", "continuous", "development", "mode", "schedule", "notifications", "warehouse", "clusterPolicy", "nodeType", "permissions"];

export interface PipelineNames {
    warehouse: string;
    pipeline: string;
    job: string;
    clusterPolicy: string;
    /** The policies the job's and the pipeline's classic clusters are created under. */
    jobComputePolicy: string;
    pipelineComputePolicy: string;
    /** Folder (under the pipeline service principal's home) the workload code is uploaded to. */
    workspaceFolder: string;
}

export interface WarehouseSettings {
    serverless: boolean;
    size: WarehouseSize;
    minClusters: number;
    maxClusters: number;
    /** Idle minutes before the warehouse stops (always on: 10 or more). */
    autoStopMinutes: number;
}

export interface ClusterPolicySettings {
    /** Node types users may pick for clusters they start by hand (the first is the default). */
    allowedNodeTypes: string[];
    maxWorkers: number;
    autoTerminationMinutes: number;
}

export interface PipelinesSettings {
    names: PipelineNames;
    /** Serverless compute for the pipeline and the job; otherwise sized classic clusters. */
    serverless: boolean;
    /** Continuous pipeline (always running) instead of triggered updates. */
    continuous: boolean;
    /** Resolved development mode of the pipeline. */
    development: boolean;
    /** Default of the job's `mode` parameter. */
    mode: PipelineMode;
    schedule: { cron: string; timezone: string; paused: boolean };
    notifications: { onFailure: string[] };
    warehouse: WarehouseSettings;
    /** Classic job and pipeline clusters (ignored when serverless): the profile plus `nodeType`. */
    cluster: SizeProfile["cluster"];
    clusterPolicy: ClusterPolicySettings;
    /** Declared roles that may run (trigger/start/use) and that may only view. */
    permissions: { run: string[]; view: string[] };
}

/** `auto`, true or false (also as strings). */
function triState(check: Checker, key: string, value: unknown, fallback: TriState): TriState {
    if (value === undefined || value === null) return fallback;
    if (value === AUTO) return AUTO;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    check.fail(key, value, `${AUTO} (follow lakehouse:environment), true or false`);
    return fallback;
}

/** True for a time zone id Databricks (Java) and the JS runtime both know. */
export function isTimeZone(zone: string): boolean {
    if (!TIMEZONE_SHAPE.test(zone)) return false;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

function roles(check: Checker, key: string, value: unknown, principals: Record<string, DeclaredPrincipal>): string[] {
    const list = check.stringList(key, value, []);
    return list.filter((role, i) => {
        if (!checkRole(check, keyPath(key, i), role, principals)) return false;
        if ((PLATFORM_ROLES as readonly string[]).includes(role)) {
            check.fail(
                keyPath(key, i),
                role,
                role === "pipeline"
                    ? "a declared role: the pipeline service principal already owns the job and pipeline and uses the warehouse"
                    : "a declared role: the app reaches the warehouse through its own sql_warehouse resource",
            );
            return false;
        }
        return true;
    });
}

/** Reads `lakehouse:pipelines`. */
export function parsePipelines(
    check: Checker,
    raw: PlainObject,
    platform: PlatformSettings,
    principals: Record<string, DeclaredPrincipal>,
): PipelinesSettings {
    const d = PIPELINES_DEFAULTS;
    const obj = check.object("pipelines", raw.pipelines, FIELDS);
    const key = (...parts: string[]) => ["pipelines", ...parts].join(".");

    const serverless = check.boolean(key("serverless"), obj.serverless, d.serverless);
    const continuous = check.boolean(key("continuous"), obj.continuous, d.continuous);
    const development = triState(check, key("development"), obj.development, d.development);
    const mode = check.oneOf(key("mode"), obj.mode, PIPELINE_MODES, d.mode);

    const scheduleRaw = check.object(key("schedule"), obj.schedule, ["cron", "timezone", "paused"]);
    const cron = check.string(key("schedule", "cron"), scheduleRaw.cron, d.schedule.cron);
    const cronProblem = quartzProblem(cron);
    if (cronProblem) check.fail(key("schedule", "cron"), scheduleRaw.cron, `${QUARTZ_ALLOWED} (${cronProblem})`);
    const timezone = check.string(key("schedule", "timezone"), scheduleRaw.timezone, d.schedule.timezone);
    if (!isTimeZone(timezone)) {
        check.fail(key("schedule", "timezone"), scheduleRaw.timezone, "an IANA time zone id such as UTC, Europe/Amsterdam or America/New_York");
    }
    const paused = triState(check, key("schedule", "paused"), scheduleRaw.paused, d.schedule.paused);

    const notificationsRaw = check.object(key("notifications"), obj.notifications, ["onFailure"]);
    const onFailure = check.stringList(key("notifications", "onFailure"), notificationsRaw.onFailure, d.notifications.onFailure, EMAIL);

    const warehouseRaw = check.object(key("warehouse"), obj.warehouse, ["serverless", "size", "autoStopMinutes"]);
    const sizes = platform.sizes;
    const warehouse: WarehouseSettings = {
        serverless: check.boolean(key("warehouse", "serverless"), warehouseRaw.serverless, d.warehouse.serverless),
        size: check.oneOf(key("warehouse", "size"), warehouseRaw.size, WAREHOUSE_SIZES, sizes.warehouse.size),
        minClusters: sizes.warehouse.minClusters,
        maxClusters: sizes.warehouse.maxClusters,
        autoStopMinutes: check.integer(key("warehouse", "autoStopMinutes"), warehouseRaw.autoStopMinutes, d.warehouse.autoStopMinutes, {
            min: 10,
            max: 1440,
        }),
    };

    const policyRaw = check.object(key("clusterPolicy"), obj.clusterPolicy, ["allowedNodeTypes", "maxWorkers", "autoTerminationMinutes"]);
    const allowedNodeTypes = check.stringList(key("clusterPolicy", "allowedNodeTypes"), policyRaw.allowedNodeTypes, d.clusterPolicy.allowedNodeTypes, NODE_TYPE);
    if (allowedNodeTypes.length === 0) check.fail(key("clusterPolicy", "allowedNodeTypes"), policyRaw.allowedNodeTypes, "at least one node type");
    const clusterPolicy: ClusterPolicySettings = {
        allowedNodeTypes,
        maxWorkers: check.integer(key("clusterPolicy", "maxWorkers"), policyRaw.maxWorkers, d.clusterPolicy.maxWorkers, { min: 1, max: 100 }),
        autoTerminationMinutes: check.integer(
            key("clusterPolicy", "autoTerminationMinutes"),
            policyRaw.autoTerminationMinutes,
            d.clusterPolicy.autoTerminationMinutes,
            { min: 10, max: 240 },
        ),
    };

    const nodeType = check.string(key("nodeType"), obj.nodeType, sizes.cluster.nodeType, NODE_TYPE);
    if (obj.nodeType !== undefined && NODE_TYPE.pattern.test(nodeType) && !allowedNodeTypes.includes(nodeType)) {
        check.fail(key("nodeType"), obj.nodeType, `a node type the cluster policy allows (${allowedNodeTypes.join(", ")}); add it to pipelines.clusterPolicy.allowedNodeTypes first`);
    }

    const permissionsRaw = check.object(key("permissions"), obj.permissions, ["run", "view"]);
    const run = roles(check, key("permissions", "run"), permissionsRaw.run, principals);
    const view = roles(check, key("permissions", "view"), permissionsRaw.view, principals);
    view.forEach((role) => {
        if (run.includes(role)) check.fail(key("permissions", "view"), role, `roles not already in pipelines.permissions.run (run includes view): ${role}`);
    });

    const base = kebab(`${platform.namePrefix}-${platform.stack}`);
    return {
        names: {
            warehouse: `${base}-warehouse`,
            pipeline: `${base}-medallion`,
            job: `${base}-full-run`,
            clusterPolicy: `${base}-interactive`,
            jobComputePolicy: `${base}-job-compute`,
            pipelineComputePolicy: `${base}-pipeline-compute`,
            workspaceFolder: base,
        },
        serverless,
        continuous,
        development: development === AUTO ? !platform.production : development,
        mode,
        schedule: { cron, timezone, paused: paused === AUTO ? !platform.production : paused },
        notifications: { onFailure },
        warehouse,
        cluster: { ...sizes.cluster, nodeType },
        clusterPolicy,
        permissions: { run, view: view.filter((role) => !run.includes(role)) },
    };
}
