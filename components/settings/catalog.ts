/**
 * Unity Catalog naming: the catalog, the base schema and the medallion layers, the landing volume,
 * the metadata table and the optional metastore assignment. The catalog and schema names resolved
 * here are the single source every component takes them from.
 * Pure: unit-tested without mocks.
 */
import { snake } from "../naming";
import type { PlatformSettings } from "./platform";
import { Checker, PlainObject } from "./validate";

/** Defaults of the catalog keys; `Pulumi.yaml` declares the same values (a test keeps them equal). */
export const CATALOG_DEFAULTS = {
    catalog: "lakehouse",
    schema: "lakehouse",
    layers: ["bronze", "silver", "gold"],
    landingVolume: "raw_files",
    metadataTable: "evidence_metadata",
    metastoreId: "",
    models: {
        pneumonia_poc_classifier: { comment: "The champion classifier (Keras)." },
        pneumonia_poc_classifier_pytorch: { comment: "The challenger classifier (PyTorch)." },
        feedback_processor: { comment: "Processes feedback on the classifier's answers." },
    } as Record<string, { comment?: string }>,
};

export const CATALOG_KEYS = ["catalog", "schema", "layers", "landingVolume", "metadataTable", "metastoreId", "models"] as const;

/**
 * Unity Catalog identifiers as this program accepts them: lower case (UC stores names lower-cased,
 * so mixed case only causes confusion), letters, digits and underscores, starting with a letter.
 */
export const UC_IDENTIFIER = {
    pattern: /^[a-z][a-z0-9_]{0,127}$/,
    allowed: "a Unity Catalog name: 1-128 lower-case letters, digits and underscores, starting with a letter",
};

const METASTORE_ID = {
    pattern: /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/,
    allowed: 'a Unity Catalog metastore id (a lower-case GUID), or "" when the workspace is assigned to a metastore automatically',
};

/** Layers the platform itself relies on: raw files land in bronze, serving logs to gold. */
export const REQUIRED_LAYERS = ["bronze", "gold"] as const;
/** The layer whose schema holds the landing volume and the metadata table. */
export const LANDING_LAYER = "bronze";
/** The layer whose schema holds the registered models serving uses. */
export const SERVING_LAYER = "gold";
/**
 * The schema of the serving endpoints' inference tables (`<schema>_payloads`): request and
 * response payloads are patient data, so they live apart from every layer, readable only by the
 * roles in `lakehouse:payloadAuditors`. The name is reserved: no layer may take it.
 */
export const PAYLOADS = "payloads";

export interface CatalogSettings {
    /** The catalog name (`lakehouse:catalog`). */
    name: string;
    /** The base schema name (`lakehouse:schema`); each layer's schema is `<schema>_<layer>`. */
    schemaBase: string;
    /** The medallion layers, in data-flow order. */
    layers: string[];
    /** Layer → schema name, e.g. `gold` → `lakehouse_gold`. */
    schemas: Record<string, string>;
    /** `<schema>_payloads`: the inference tables' own schema, outside every layer. */
    payloadSchema: string;
    /** The volume for raw files (`lakehouse:landingVolume`), in the bronze schema. */
    landingVolume: string;
    /** `/Volumes/<catalog>/<schema>_bronze/<volume>`: where raw files are read and written. */
    landingVolumePath: string;
    /** The KMFlow metadata table (`lakehouse:metadataTable`), in the bronze schema. */
    metadataTable: string;
    /** `<catalog>.<schema>_bronze.<table>`. */
    metadataTableFullName: string;
    /** Metastore to assign the workspace to, or undefined when the workspace is auto-assigned. */
    metastoreId?: string;
    /** Name of the storage credential (unique in the metastore, so it carries prefix and stack). */
    storageCredentialName: string;
    /** Prefix of the external location names: `<prefix>_<container>` (unique in the metastore). */
    externalLocationPrefix: string;
    /**
     * `lakehouse:models`: the registered models of the gold schema, sorted by name. Their own
     * lifecycle: serving refers to them but never creates or deletes them, and a model removed from
     * this list is left in Unity Catalog with its versions (only Pulumi stops managing it).
     */
    models: RegisteredModelSettings[];
}

export interface RegisteredModelSettings {
    /** Model name in the gold schema (`<catalog>.<schema>_gold.<name>`). */
    name: string;
    /** What the model is, shown in Catalog Explorer. */
    comment?: string;
}

/** `<schema>_<layer>`, the KMFlow convention. */
export function layerSchemaName(schemaBase: string, layer: string): string {
    return `${schemaBase}_${layer}`;
}

export function parseCatalog(check: Checker, raw: PlainObject, platform: Pick<PlatformSettings, "namePrefix" | "stack">): CatalogSettings {
    const d = CATALOG_DEFAULTS;
    const name = check.string("catalog", raw.catalog, d.catalog, UC_IDENTIFIER);
    const schemaBase = check.string("schema", raw.schema, d.schema, UC_IDENTIFIER);
    const layers = check.stringList("layers", raw.layers, d.layers, UC_IDENTIFIER);
    for (const required of REQUIRED_LAYERS) {
        if (!layers.includes(required)) {
            check.fail("layers", raw.layers, `a list that includes "${required}" (the platform's ${required === "bronze" ? "landing" : "serving"} layer)`);
        }
    }
    if (layers.includes(PAYLOADS)) {
        check.fail("layers", raw.layers, `layer names other than "${PAYLOADS}" (the inference tables' own schema, ${layerSchemaName(schemaBase, PAYLOADS)}, takes that name)`);
    }
    const schemas: Record<string, string> = {};
    for (const layer of layers) schemas[layer] = layerSchemaName(schemaBase, layer);

    const landingVolume = check.string("landingVolume", raw.landingVolume, d.landingVolume, UC_IDENTIFIER);
    const metadataTable = check.string("metadataTable", raw.metadataTable, d.metadataTable, UC_IDENTIFIER);
    const metastoreId = check.string("metastoreId", raw.metastoreId, d.metastoreId, METASTORE_ID);
    const modelsRaw = raw.models === undefined || raw.models === null ? d.models : check.object("models", raw.models);
    const models: RegisteredModelSettings[] = Object.entries(modelsRaw)
        .map(([modelName, value]) => {
            const key = `models.${modelName}`;
            if (!UC_IDENTIFIER.pattern.test(modelName)) check.fail(key, modelName, `a model name that is ${UC_IDENTIFIER.allowed.replace(/^a Unity Catalog name: /, "")}`);
            const model = check.object(key, value ?? {}, ["comment"]);
            const comment = check.string(`${key}.comment`, model.comment, "");
            return { name: modelName, ...(comment ? { comment } : {}) };
        })
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    const landingSchema = layerSchemaName(schemaBase, LANDING_LAYER);
    const objectPrefix = snake(`${platform.namePrefix}_${platform.stack}`);
    return {
        name,
        schemaBase,
        layers,
        schemas,
        payloadSchema: layerSchemaName(schemaBase, PAYLOADS),
        landingVolume,
        landingVolumePath: `/Volumes/${name}/${landingSchema}/${landingVolume}`,
        metadataTable,
        metadataTableFullName: `${name}.${landingSchema}.${metadataTable}`,
        ...(metastoreId ? { metastoreId } : {}),
        storageCredentialName: `${objectPrefix}_lake`,
        externalLocationPrefix: objectPrefix,
        models,
    };
}
