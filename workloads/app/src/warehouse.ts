/**
 * The real `Warehouse`: Databricks SQL through `@databricks/sql`, authenticated as the app's
 * service principal (OAuth machine-to-machine with the client id and secret Databricks Apps
 * injects). The driver module is loaded on first use and can be replaced in tests.
 */
import type { DBSQLClient } from "@databricks/sql";
import { Cell, Row, Warehouse } from "./clients";

/** What the app needs from the `@databricks/sql` module. */
export interface SqlDriver {
    DBSQLClient: new () => Pick<DBSQLClient, "connect" | "openSession" | "close">;
}

export interface WarehouseOptions {
    /** Workspace URL (`https://…`). */
    host: string;
    warehouseId: string;
    clientId: string;
    clientSecret: string;
    /** Default catalog and schema of each session. */
    catalog: string;
    schema: string;
}

/** A value from the driver as the page shows it. */
export function toCell(value: unknown): Cell {
    if (value === null || value === undefined) return null;
    if (typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
    if (typeof value === "bigint") return value.toString();
    if (value instanceof Date) return value.toISOString();
    return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

export function databricksWarehouse(options: WarehouseOptions, loadDriver: () => Promise<SqlDriver> = () => import("@databricks/sql")): Warehouse {
    let client: Promise<Pick<DBSQLClient, "connect" | "openSession" | "close">> | undefined;
    const connect = () => {
        client ??= loadDriver().then(async (driver) => {
            const c = new driver.DBSQLClient();
            await c.connect({
                host: new URL(options.host).host,
                path: `/sql/1.0/warehouses/${options.warehouseId}`,
                authType: "databricks-oauth",
                oauthClientId: options.clientId,
                oauthClientSecret: options.clientSecret,
            });
            return c;
        });
        client.catch(() => (client = undefined));
        return client;
    };
    return {
        async query(statement: string, maxRows: number): Promise<Row[]> {
            const session = await (await connect()).openSession({ initialCatalog: options.catalog, initialSchema: options.schema });
            try {
                const operation = await session.executeStatement(statement, { maxRows });
                try {
                    const rows = (await operation.fetchAll()) as Record<string, unknown>[];
                    return rows.slice(0, maxRows).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toCell(v)])));
                } finally {
                    await operation.close();
                }
            } finally {
                await session.close();
            }
        },
    };
}
