/**
 * Benchmark of the catalog and grants (`npm run bench -- --only catalog`): plan time and resource count for the dev
 * stack and for a large generated config (20 medallion layers, 10 roles), in one process after a
 * warm-up run, so the figures compare the program's own work rather than Node start-up. Printed,
 * never asserted.
 */
import { plan } from "./plan";
import { parseOverride } from "./stack-config";

const CATALOG_TYPES = new Set([
    "databricks:index/storageCredential:StorageCredential",
    "databricks:index/externalLocation:ExternalLocation",
    "databricks:index/catalog:Catalog",
    "databricks:index/schema:Schema",
    "databricks:index/volume:Volume",
    "databricks:index/sqlTable:SqlTable",
    "databricks:index/registeredModel:RegisteredModel",
    "databricks:index/grants:Grants",
]);

/** `--set` overrides for `layers` medallion layers (bronze, silver, gold, then l04…) and `roles` roles (pipeline, app, then teams). */
export function largeCatalogOverrides(layerCount = 20, roleCount = 10): string[] {
    const layers = ["bronze", "silver", "gold", ...Array.from({ length: layerCount - 3 }, (_, i) => `l${String(i + 4).padStart(2, "0")}`)];
    const teams = Array.from({ length: roleCount - 2 }, (_, i) => `team${String(i + 1).padStart(2, "0")}`);
    const principals = Object.fromEntries(teams.map((t) => [t, { group: `data-${t}` }]));
    const grants: Record<string, unknown> = {
        pipeline: { catalog: ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA"], schemas: ["CREATE_TABLE", "MODIFY", "SELECT"], volumes: ["READ_VOLUME", "WRITE_VOLUME"] },
        app: { catalog: ["USE_CATALOG"], schemas: { gold: ["USE_SCHEMA", "SELECT"] } },
    };
    // Each team reads three layers, spread over all of them.
    teams.forEach((team, i) => {
        const read = [0, 1, 2].map((k) => layers[(i * 3 + k) % layers.length]);
        grants[team] = { catalog: ["USE_CATALOG"], schemas: Object.fromEntries(read.map((l) => [l, ["USE_SCHEMA", "SELECT"]])) };
    });
    return [`layers=${JSON.stringify(layers)}`, `principals=${JSON.stringify(principals)}`, `grants=${JSON.stringify(grants)}`];
}

interface Measured {
    label: string;
    resources: number;
    catalogResources: number;
    grants: number;
    medianMs: number;
    runsMs: number[];
}

async function measure(label: string, stack: string, sets: string[], runs: number): Promise<Measured> {
    const overrides = sets.map(parseOverride);
    const runsMs: number[] = [];
    let resources = 0;
    let catalogResources = 0;
    let grants = 0;
    for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        const { run } = await plan(stack, overrides);
        runsMs.push(Number(process.hrtime.bigint() - started) / 1e6);
        resources = run.resources.length;
        catalogResources = run.resources.filter((r) => CATALOG_TYPES.has(r.type)).length;
        grants = run.resources.filter((r) => r.type === "databricks:index/grants:Grants").length;
    }
    const sorted = [...runsMs].sort((a, b) => a - b);
    return { label, resources, catalogResources, grants, medianMs: sorted[Math.floor(sorted.length / 2)], runsMs };
}

/**
 * Prints the section: dev, the large config (20 layers, 10 roles) and a twice-as-large one,
 * with the time per resource of each. dev's resources are lighter on average than the generated
 * ones (which are mostly schemas, external locations and multi-principal grants), so linear growth
 * shows as a flat time per resource between the generated configs.
 */
export async function catalogSection(runs = 5): Promise<void> {
    await plan("dev", []); // warm-up: module loading and the policy pack, paid once per process
    const dev = await measure("dev stack", "dev", [], runs);
    const large = await measure("dev + 20 layers, 10 roles", "dev", largeCatalogOverrides(20, 10), runs);
    const larger = await measure("dev + 40 layers, 20 roles", "dev", largeCatalogOverrides(40, 20), runs);
    console.log(`## Catalog and grants: offline plan in one warm process (median of ${runs} runs, program + policies)`);
    for (const m of [dev, large, larger]) {
        console.log(
            `${m.label.padEnd(28)} ${String(m.resources).padStart(4)} resources (${m.catalogResources} catalog, ${m.grants} grants)  ` +
                `${m.medianMs.toFixed(0).padStart(6)} ms  ${(m.medianMs / m.resources).toFixed(2)} ms/resource  [${m.runsMs.map((x) => x.toFixed(0)).join(", ")}]`,
        );
    }
    const growth = (a: Measured, b: Measured) => {
        const resources = b.resources / a.resources;
        const time = b.medianMs / a.medianMs;
        return `resources x${resources.toFixed(2)}, plan time x${time.toFixed(2)} (${time <= resources ? "no faster than" : "faster than"} the resource count)`;
    };
    console.log(`dev → 20 layers/10 roles: ${growth(dev, large)}`);
    console.log(`20/10 → 40/20 (same mix of resources): ${growth(large, larger)}`);
    console.log("");
}
