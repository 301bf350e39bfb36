/**
 * The app's settings, read once from its environment. On Databricks the environment comes from
 * `app.yaml` (`valueFrom` the app's resources, plain values for catalog, schema and table) plus
 * the variables the platform injects (`DATABRICKS_HOST`, `DATABRICKS_CLIENT_ID`/`_SECRET`,
 * `DATABRICKS_APP_PORT`). Locally, export the same variables. Pure.
 */

export interface AppSettings {
    /** Port to listen on (`DATABRICKS_APP_PORT`, default 8000). */
    port: number;
    /** Workspace URL, `https://adb-….azuredatabricks.net`. */
    databricksHost: string;
    /** The app service principal's OAuth client (injected by Databricks Apps). */
    clientId: string;
    clientSecret: string;
    /** SQL warehouse id (`valueFrom: sql-warehouse`). */
    warehouseId: string;
    /** Serving endpoint name (`valueFrom: serving-endpoint`). */
    endpoint: string;
    /** Key that signs the scoring form (`valueFrom: form-signing-key`, a secret). */
    formSigningKey: string;
    catalog: string;
    schema: string;
    table: string;
}

/** Unity Catalog names the app interpolates into SQL: checked, never quoted blindly. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,127}$/;

/** Thrown when the environment lacks a variable or has a bad value; lists every problem. */
export class SettingsError extends Error {
    constructor(readonly problems: string[]) {
        super(`The app's environment is incomplete:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "SettingsError";
    }
}

export function readSettings(env: Record<string, string | undefined>): AppSettings {
    const problems: string[] = [];
    const required = (name: string): string => {
        const value = env[name];
        if (value === undefined || value.trim() === "") {
            problems.push(`${name} is not set`);
            return "";
        }
        return value.trim();
    };
    const identifier = (name: string): string => {
        const value = required(name);
        if (value && !IDENTIFIER.test(value)) problems.push(`${name}=${JSON.stringify(value)} is not a Unity Catalog name (lower-case letters, digits, _)`);
        return value;
    };
    const portText = env.DATABRICKS_APP_PORT ?? "8000";
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`DATABRICKS_APP_PORT=${JSON.stringify(portText)} is not a port`);
    const host = required("DATABRICKS_HOST");
    const settings: AppSettings = {
        port,
        databricksHost: host && !/^https?:\/\//.test(host) ? `https://${host}` : host.replace(/\/+$/, ""),
        clientId: required("DATABRICKS_CLIENT_ID"),
        clientSecret: required("DATABRICKS_CLIENT_SECRET"),
        warehouseId: required("DATABRICKS_WAREHOUSE_ID"),
        endpoint: required("SERVING_ENDPOINT"),
        formSigningKey: required("FORM_SIGNING_KEY"),
        catalog: identifier("LAKEHOUSE_CATALOG"),
        schema: identifier("LAKEHOUSE_SCHEMA"),
        table: identifier("LAKEHOUSE_TABLE"),
    };
    if (problems.length > 0) throw new SettingsError(problems);
    return settings;
}
