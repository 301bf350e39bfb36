/**
 * `lakehouse:grants`: the least-privilege matrix, role → securable → privileges. Pure: validated
 * here (privilege known, valid on its securable, role declared, layer/volume/table/model exists)
 * and resolved to one explicit list per concrete securable, so the grant components never branch
 * on raw config. Unit-tested without mocks.
 */
import { ALL_PRIVILEGE_NAMES, PRIVILEGES, Securable } from "../../policies/privileges";
import { CatalogSettings, PAYLOADS } from "./catalog";
import { DeclaredPrincipal, PLATFORM_ROLES, checkRole } from "./principals";
import { Checker, PlainObject, isPlainObject, keyPath } from "./validate";

/**
 * The default matrix. `pipeline` gets the KMFlow runbook's least-privilege set plus CREATE
 * MATERIALIZED VIEW on the schemas, which its Lakeflow pipeline needs to publish the silver and
 * gold materialized views (Databricks' pipeline requirements); `app`
 * reads the gold layer only. The app reaches models through serving endpoints (a CAN_QUERY
 * workspace permission), so it needs no EXECUTE on the registered models: that would let it
 * download model artifacts.
 */
export const GRANTS_DEFAULTS: Record<string, Record<string, unknown>> = {
    pipeline: {
        catalog: ["USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA"],
        schemas: ["CREATE_TABLE", "CREATE_MATERIALIZED_VIEW", "MODIFY", "SELECT"],
        volumes: ["READ_VOLUME", "WRITE_VOLUME"],
    },
    app: {
        catalog: ["USE_CATALOG"],
        schemas: { gold: ["USE_SCHEMA", "SELECT"] },
    },
};

export const GRANTS_KEYS = ["grants", "payloadAuditors"] as const;

/** Nobody reads inference payloads by default: a stack names its auditors. */
export const PAYLOAD_AUDITORS_DEFAULT: string[] = [];

/**
 * What an auditor holds: enough to reach the payload schema and read its tables, nothing that
 * alters them (the payloads are an audit record) or reaches another schema.
 */
export const PAYLOAD_AUDITOR_GRANTS = { catalog: ["USE_CATALOG"], schema: ["USE_SCHEMA", "SELECT"] } as const;

/** The securable families a role's entry may name, and the privilege list that applies to each. */
export const GRANT_FIELDS = {
    catalog: "catalog",
    schemas: "schema",
    volumes: "volume",
    tables: "table",
    models: "registered_model",
} as const satisfies Record<string, Securable>;
export type GrantField = keyof typeof GRANT_FIELDS;

/** What one role holds, resolved to concrete securables (empty lists are left out). */
export interface RoleGrants {
    /** Privileges on the catalog. */
    catalog: string[];
    /** Layer → privileges on that layer's schema; `payloads` → on the inference tables' schema (auditors only). */
    schemas: Record<string, string[]>;
    /** Volume name → privileges. */
    volumes: Record<string, string[]>;
    /** Table name → privileges. */
    tables: Record<string, string[]>;
    /** Registered model name → privileges. */
    models: Record<string, string[]>;
}

/** Role → what it holds. Roles are `pipeline`, `app` or declared in `lakehouse:principals`. */
export type GrantMatrix = Record<string, RoleGrants>;

const SECURABLE_WORDS: Record<Securable, string> = {
    catalog: "a catalog",
    schema: "a schema",
    table: "a table",
    view: "a view",
    volume: "a volume",
    registered_model: "a registered model",
    function: "a function",
    storage_credential: "a storage credential",
    external_location: "an external location",
};

/** A list of privileges, each known to Unity Catalog and valid on `securable`; no duplicates. */
function parsePrivileges(check: Checker, key: string, value: unknown, securable: Securable): string[] {
    if (!Array.isArray(value)) {
        check.fail(key, value, `a list of privileges valid on ${SECURABLE_WORDS[securable]} (${PRIVILEGES[securable].join(", ")})`);
        return [];
    }
    const out: string[] = [];
    value.forEach((item, i) => {
        const itemKey = keyPath(key, i);
        if (typeof item !== "string" || !ALL_PRIVILEGE_NAMES.includes(item)) {
            const hint = typeof item === "string" && ALL_PRIVILEGE_NAMES.includes(item.toUpperCase().replace(/ /g, "_"));
            check.fail(
                itemKey,
                item,
                hint
                    ? `a privilege spelled as the provider spells it: ${item.toUpperCase().replace(/ /g, "_")}`
                    : `a Unity Catalog privilege (${ALL_PRIVILEGE_NAMES.join(", ")})`,
            );
        } else if (!PRIVILEGES[securable].includes(item)) {
            check.fail(itemKey, item, `a privilege valid on ${SECURABLE_WORDS[securable]} (${PRIVILEGES[securable].join(", ")})`);
        } else if (out.includes(item)) {
            check.fail(itemKey, item, "no duplicates in the list");
        } else {
            out.push(item);
        }
    });
    return out;
}

/**
 * A family of securables: a list (applies to every one of them) or `{ <name>: [...] }` where each
 * name must be one of `names`.
 */
function parseFamily(
    check: Checker,
    key: string,
    value: unknown,
    securable: Securable,
    names: readonly string[],
    what: { noun: string; source: string },
): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (value === undefined || value === null) return out;
    if (Array.isArray(value)) {
        const privileges = parsePrivileges(check, key, value, securable);
        if (privileges.length > 0) for (const name of names) out[name] = [...privileges];
        return out;
    }
    if (!isPlainObject(value)) {
        check.fail(key, value, `a list of privileges (for every ${what.noun}) or { <${what.noun}>: [privileges] }`);
        return out;
    }
    for (const [name, list] of Object.entries(value)) {
        const entryKey = keyPath(key, name);
        if (securable === "schema" && name === PAYLOADS) {
            check.fail(entryKey, list, "no grants here: the inference payloads' schema is read only by the roles in lakehouse:payloadAuditors");
            continue;
        }
        if (!names.includes(name)) {
            check.fail(entryKey, list, `a ${what.noun} declared in ${what.source} (${names.length > 0 ? names.join(", ") : "there is none"})`);
            continue;
        }
        const privileges = parsePrivileges(check, entryKey, list, securable);
        if (privileges.length > 0) out[name] = privileges;
    }
    return out;
}

/**
 * Reads `lakehouse:payloadAuditors`: declared roles that may read the inference payloads. The
 * platform's own principals may not: the app would serve patient payloads back to its users, and
 * the pipeline would copy them into the layers analysts read.
 */
export function parsePayloadAuditors(check: Checker, raw: PlainObject, principals: Record<string, DeclaredPrincipal>): string[] {
    const value = raw.payloadAuditors === undefined || raw.payloadAuditors === null ? PAYLOAD_AUDITORS_DEFAULT : raw.payloadAuditors;
    if (!Array.isArray(value)) {
        check.fail("payloadAuditors", value, "a list of roles declared in lakehouse:principals");
        return [];
    }
    const auditors: string[] = [];
    value.forEach((role, i) => {
        const key = keyPath("payloadAuditors", i);
        if ((PLATFORM_ROLES as readonly unknown[]).includes(role)) {
            check.fail(key, role, `a role declared in lakehouse:principals, not the platform's ${String(role)} principal (it would pass patient payloads on)`);
        } else if (!checkRole(check, key, role, principals)) {
            return;
        } else if (auditors.includes(role)) {
            check.fail(key, role, "no duplicates in the list");
        } else {
            auditors.push(role);
        }
    });
    return auditors.sort();
}

/** Adds the auditors' grants to the matrix: USE_CATALOG on the catalog, USE_SCHEMA and SELECT on the payload schema. */
export function withPayloadAuditors(matrix: GrantMatrix, auditors: readonly string[]): GrantMatrix {
    const out: GrantMatrix = { ...matrix };
    for (const role of auditors) {
        const grants = out[role] ?? { catalog: [], schemas: {}, volumes: {}, tables: {}, models: {} };
        out[role] = {
            ...grants,
            catalog: [...new Set([...grants.catalog, ...PAYLOAD_AUDITOR_GRANTS.catalog])],
            schemas: { ...grants.schemas, [PAYLOADS]: [...PAYLOAD_AUDITOR_GRANTS.schema] },
        };
    }
    return out;
}

/** Reads `lakehouse:grants`. A stack that sets it replaces the whole default matrix (Pulumi's rule). */
export function parseGrants(
    check: Checker,
    raw: PlainObject,
    principals: Record<string, DeclaredPrincipal>,
    catalog: CatalogSettings,
): GrantMatrix {
    const value = raw.grants === undefined || raw.grants === null ? GRANTS_DEFAULTS : raw.grants;
    const obj = check.object("grants", value);
    const matrix: GrantMatrix = {};
    for (const [role, entryValue] of Object.entries(obj)) {
        const key = keyPath("grants", role);
        if (!checkRole(check, key, role, principals)) continue;
        const entry = check.object(key, entryValue, Object.keys(GRANT_FIELDS));
        const catalogPrivileges = entry.catalog === undefined || entry.catalog === null ? [] : parsePrivileges(check, keyPath(key, "catalog"), entry.catalog, "catalog");
        matrix[role] = {
            catalog: catalogPrivileges,
            schemas: parseFamily(check, keyPath(key, "schemas"), entry.schemas, "schema", catalog.layers, { noun: "layer", source: "lakehouse:layers" }),
            volumes: parseFamily(check, keyPath(key, "volumes"), entry.volumes, "volume", [catalog.landingVolume], { noun: "volume", source: "lakehouse:landingVolume" }),
            tables: parseFamily(check, keyPath(key, "tables"), entry.tables, "table", [catalog.metadataTable], { noun: "table", source: "lakehouse:metadataTable" }),
            models: parseFamily(check, keyPath(key, "models"), entry.models, "registered_model", catalog.models.map((m) => m.name), { noun: "registered model", source: "lakehouse:models" }),
        };
    }
    return matrix;
}
