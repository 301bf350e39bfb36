/**
 * Workspace configuration (`databricks.WorkspaceConf` customConfig): the workspace-wide switches
 * that decide how data and credentials can leave it — personal access tokens and their lifetime,
 * downloading query results, exporting notebooks, copying tables to the clipboard.
 *
 * Anywhere, a key set to an insecure value fails. In production stacks (declared by the stack's
 * resources or stack tags, or by policy config) the stack must also manage them: a WorkspaceConf
 * exists and sets every expected key and a token lifetime (unless tokens are off).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { PRODUCTION_PROPERTY, isProductionStack } from "./environment";
import { UNKNOWN, configOf, integerSchema, names, ofType, read } from "./util";

export const WORKSPACE_CONF_TYPE = "databricks:index/workspaceConf:WorkspaceConf";

/** The secure value of each key the policy checks by default (the provider takes strings). */
export const SECURE_WORKSPACE_CONF: Readonly<Record<string, string>> = {
    enableResultsDownloading: "false",
    enableExportNotebook: "false",
    enableNotebookTableClipboard: "false",
};

function text(value: unknown): string | undefined {
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    return typeof value === "string" ? value.trim().toLowerCase() : undefined;
}

export const workspaceConfHardened: StackValidationPolicy = {
    name: "workspace-conf-hardened",
    description:
        "Workspace configuration (databricks.WorkspaceConf customConfig) keeps data and credentials in the workspace: results downloading, notebook export and the notebook table clipboard off (configurable), and personal access tokens either off (enableTokensConfig false) or limited to the configured maxTokenLifetimeDays. A key set insecurely fails anywhere; in production stacks a WorkspaceConf must exist and set every one of them.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            expected: {
                type: "object",
                additionalProperties: { type: "string" },
                default: { ...SECURE_WORKSPACE_CONF },
                description: "customConfig key → its secure value (as the provider spells it, e.g. \"false\").",
            },
            maxTokenLifetimeDays: integerSchema("Longest lifetime of a personal access token, in days (customConfig.maxTokenLifetimeDays, unless enableTokensConfig is false).", 90, 1),
            requireInProduction: { type: "boolean", default: true, description: "In production stacks, require a WorkspaceConf that sets every expected key and the token lifetime." },
            production: PRODUCTION_PROPERTY,
        },
    },
    validateStack: (args, report) => {
        const config = configOf<{ expected: Record<string, string>; maxTokenLifetimeDays: number; requireInProduction: boolean }>(args, workspaceConfHardened);
        const expected = Object.fromEntries(Object.entries(config.expected ?? {}).map(([k, v]) => [k, String(v).trim().toLowerCase()]));
        const confs = ofType(args.resources, WORKSPACE_CONF_TYPE);
        const merged: Record<string, string> = {};
        let unknown = false;
        for (const conf of confs) {
            const custom = read(() => conf.props.customConfig as Record<string, unknown> | undefined);
            if (custom === UNKNOWN) {
                unknown = true;
                continue;
            }
            for (const [key, raw] of Object.entries(custom ?? {})) {
                const value = text(read(() => raw));
                if (value === undefined) {
                    unknown = true;
                    continue;
                }
                merged[key] = value;
                if (key in expected && value !== expected[key]) report(`customConfig.${key} is "${value}"; set "${expected[key]}" (it lets data or credentials leave the workspace).`, conf.urn);
                if (key === "maxTokenLifetimeDays") {
                    const days = Number(value);
                    if (!Number.isInteger(days) || days < 1 || days > config.maxTokenLifetimeDays) {
                        report(`customConfig.maxTokenLifetimeDays is "${value}"; set 1-${config.maxTokenLifetimeDays} (0 or empty means tokens never expire).`, conf.urn);
                    }
                }
            }
        }
        if (!config.requireInProduction || unknown || !isProductionStack(args, workspaceConfHardened)) return;
        if (confs.length === 0) {
            report(`a production stack manages no databricks.WorkspaceConf; add one setting ${names(Object.entries(expected).map(([k, v]) => `${k}=${v}`))} and maxTokenLifetimeDays (1-${config.maxTokenLifetimeDays}) or enableTokensConfig=false.`);
            return;
        }
        const missing = Object.keys(expected).filter((k) => !(k in merged));
        if (merged.enableTokensConfig !== "false" && !("maxTokenLifetimeDays" in merged)) missing.push("maxTokenLifetimeDays (or enableTokensConfig=false)");
        if (missing.length > 0) report(`production stacks set ${names(missing)} in the WorkspaceConf; unset, the workspace default applies (which allows it).`, confs[0].urn);
    },
};

export const workspaceConfPolicies = [workspaceConfHardened];
