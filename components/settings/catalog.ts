/**
 * Unity Catalog naming: the catalog, the base schema and the medallion layers. The catalog and
 * schema names resolved here are the single source every component takes them from.
 * Pure: unit-tested without mocks.
 */
import { Checker, PlainObject } from "./validate";

/** Defaults of the catalog keys; `Pulumi.yaml` declares the same values (a test keeps them equal). */
export const CATALOG_DEFAULTS = {
    catalog: "lakehouse",
    schema: "lakehouse",
    layers: ["bronze", "silver", "gold"],
};

export const CATALOG_KEYS = ["catalog", "schema", "layers"] as const;

/**
 * Unity Catalog identifiers as this program accepts them: lower case (UC stores names lower-cased,
 * so mixed case only causes confusion), letters, digits and underscores, starting with a letter.
 */
export const UC_IDENTIFIER = {
    pattern: /^[a-z][a-z0-9_]{0,127}$/,
    allowed: "a Unity Catalog name: 1-128 lower-case letters, digits and underscores, starting with a letter",
};

/** Layers the platform itself relies on: raw files land in bronze, serving logs to gold. */
export const REQUIRED_LAYERS = ["bronze", "gold"] as const;

export interface CatalogSettings {
    /** The catalog name (`lakehouse:catalog`). */
    name: string;
    /** The base schema name (`lakehouse:schema`); each layer's schema is `<schema>_<layer>`. */
    schemaBase: string;
    /** The medallion layers, in data-flow order. */
    layers: string[];
    /** Layer → schema name, e.g. `gold` → `lakehouse_gold`. */
    schemas: Record<string, string>;
}

/** `<schema>_<layer>`, the KMFlow convention. */
export function layerSchemaName(schemaBase: string, layer: string): string {
    return `${schemaBase}_${layer}`;
}

export function parseCatalog(check: Checker, raw: PlainObject): CatalogSettings {
    const d = CATALOG_DEFAULTS;
    const name = check.string("catalog", raw.catalog, d.catalog, UC_IDENTIFIER);
    const schemaBase = check.string("schema", raw.schema, d.schema, UC_IDENTIFIER);
    const layers = check.stringList("layers", raw.layers, d.layers, UC_IDENTIFIER);
    for (const required of REQUIRED_LAYERS) {
        if (!layers.includes(required)) {
            check.fail("layers", raw.layers, `a list that includes "${required}" (the platform's ${required === "bronze" ? "landing" : "serving"} layer)`);
        }
    }
    const schemas: Record<string, string> = {};
    for (const layer of layers) schemas[layer] = layerSchemaName(schemaBase, layer);
    return { name, schemaBase, layers, schemas };
}
