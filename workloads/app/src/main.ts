/**
 * Entry point on Databricks (`npm run start` → `node dist/main.js`): reads the environment,
 * wires the real warehouse and serving clients, listens on `DATABRICKS_APP_PORT` and stops
 * cleanly on SIGTERM (Databricks Apps allow 10 s).
 */
import { AppSettings, readSettings } from "./settings";
import { servingEndpointScorer } from "./serving";
import { startServer } from "./server";
import { databricksWarehouse } from "./warehouse";

export async function main(settings: AppSettings = readSettings(process.env)) {
    const credentials = { host: settings.databricksHost, clientId: settings.clientId, clientSecret: settings.clientSecret };
    const server = await startServer(
        {
            warehouse: databricksWarehouse({ ...credentials, warehouseId: settings.warehouseId, catalog: settings.catalog, schema: settings.schema }),
            scorer: servingEndpointScorer({ ...credentials, endpoint: settings.endpoint }),
            catalog: settings.catalog,
            schema: settings.schema,
            table: settings.table,
            endpoint: settings.endpoint,
            formSigningKey: settings.formSigningKey,
        },
        settings.port,
    );
    console.log(`data app listening on :${settings.port}, showing ${settings.catalog}.${settings.schema}.${settings.table}, scoring with ${settings.endpoint}`);
    process.once("SIGTERM", () => server.close(() => process.exit(0)));
    return server;
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
