/**
 * The grants matrix as data: which securables the platform creates, which privileges each role
 * holds on each of them (one authoritative grant list per securable), and what each principal can
 * effectively do once Unity Catalog's inheritance (catalog → schema → table/volume/model) is
 * applied. Pure: the components, the offline plan's grants report and the tests share it.
 */
import { INHERITED_BY_CHILDREN, PRIVILEGES } from "../policies/privileges";
import { CatalogSettings, LANDING_LAYER, PAYLOADS, SERVING_LAYER } from "./settings/catalog";
import { GrantMatrix, RoleGrants } from "./settings/grants";

/** The securable kinds the platform grants on (privileges.ts spelling), parents first. */
export const GRANT_KINDS = ["catalog", "schema", "volume", "table", "registered_model"] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];

/** The `databricks.Grants` argument that names a securable of each kind. */
export const GRANTS_ARGUMENT: Record<GrantKind, "catalog" | "schema" | "volume" | "table" | "model"> = {
    catalog: "catalog",
    schema: "schema",
    volume: "volume",
    table: "table",
    registered_model: "model",
};

/** A securable: its kind, a key stable within the kind (layer, volume, table or model name) and its full name. */
export interface SecurableRef<Name = string> {
    kind: GrantKind;
    key: string;
    /** `catalog`, `catalog.schema` or `catalog.schema.object`. */
    name: Name;
}

/** Every securable the catalog component creates for these settings, parents first. */
export function platformSecurables(catalog: CatalogSettings): SecurableRef[] {
    const landing = catalog.schemas[LANDING_LAYER];
    const serving = catalog.schemas[SERVING_LAYER];
    return [
        { kind: "catalog", key: catalog.name, name: catalog.name },
        ...catalog.layers.map((layer): SecurableRef => ({ kind: "schema", key: layer, name: `${catalog.name}.${catalog.schemas[layer]}` })),
        { kind: "schema", key: PAYLOADS, name: `${catalog.name}.${catalog.payloadSchema}` },
        { kind: "volume", key: catalog.landingVolume, name: `${catalog.name}.${landing}.${catalog.landingVolume}` },
        { kind: "table", key: catalog.metadataTable, name: `${catalog.name}.${landing}.${catalog.metadataTable}` },
        ...catalog.models.map(({ name: model }): SecurableRef => ({ kind: "registered_model", key: model, name: `${catalog.name}.${serving}.${model}` })),
    ];
}

/** The logical name of the grant resource of a securable: one per securable, stable across runs. */
export function grantResourceName(kind: GrantKind, key: string): string {
    const word = kind === "registered_model" ? "model" : kind;
    return kind === "catalog" ? "grants-catalog" : `grants-${word}-${key}`;
}

/** What `role` holds directly on a securable (an empty list when nothing). */
export function rolePrivileges(grants: RoleGrants, kind: GrantKind, key: string): string[] {
    switch (kind) {
        case "catalog":
            return [...grants.catalog];
        case "schema":
            return [...(grants.schemas[key] ?? [])];
        case "volume":
            return [...(grants.volumes[key] ?? [])];
        case "table":
            return [...(grants.tables[key] ?? [])];
        case "registered_model":
            return [...(grants.models[key] ?? [])];
    }
}

/** One securable's authoritative grant list: role → privileges, roles and privileges sorted. */
export interface RenderedGrants<Name = string> {
    securable: SecurableRef<Name>;
    grants: { role: string; privileges: string[] }[];
}

/**
 * Renders the matrix onto the securables: for each securable, every role that holds something on
 * it with exactly those privileges. Securables nobody is granted anything on come back with an
 * empty list (the component creates no grant resource for them: an empty authoritative list reads
 * back as "not found" in the provider and would be recreated on every run).
 */
export function renderGrants<Name>(matrix: GrantMatrix, securables: readonly SecurableRef<Name>[]): RenderedGrants<Name>[] {
    const roles = Object.keys(matrix).sort();
    return securables.map((securable) => ({
        securable,
        grants: roles
            .map((role) => ({ role, privileges: rolePrivileges(matrix[role], securable.kind, securable.key).sort() }))
            .filter((g) => g.privileges.length > 0),
    }));
}

/** One grant as Unity Catalog stores it: principal, securable, privileges. */
export interface DirectGrant {
    kind: GrantKind;
    /** Full name of the securable. */
    name: string;
    principal: string;
    privileges: readonly string[];
}

/** The full name of the parent securable (`undefined` for a catalog). */
export function parentName(kind: GrantKind, name: string): string | undefined {
    if (kind === "catalog") return undefined;
    const parts = name.split(".");
    return kind === "schema" ? parts[0] : parts.slice(0, 2).join(".");
}

/** What a principal can do on one securable: granted on it, and inherited from its parents. */
export interface EffectiveEntry {
    kind: GrantKind;
    name: string;
    /** Granted on this securable. */
    privileges: string[];
    /** Inherited from the catalog or schema above it (and not also granted directly). */
    inherited: string[];
}

/**
 * Applies inheritance: a privilege granted on a catalog or schema reaches every securable below it
 * where that privilege is valid (USE_SCHEMA on a catalog reaches its schemas; SELECT on a schema
 * reaches its tables but not its volumes). Returns principal → securables (sorted by name) with
 * a non-empty effective set; `securables` lists every securable that exists, so objects with no
 * grant of their own still show what they inherit.
 */
export function effectivePrivileges(direct: readonly DirectGrant[], securables: readonly { kind: GrantKind; name: string }[]): Record<string, EffectiveEntry[]> {
    const kindOf = new Map<string, GrantKind>();
    for (const s of securables) kindOf.set(s.name, s.kind);
    for (const g of direct) kindOf.set(g.name, g.kind);

    const held = new Map<string, Map<string, Set<string>>>(); // principal → securable → privileges
    for (const g of direct) {
        const bySecurable = held.get(g.principal) ?? new Map<string, Set<string>>();
        const set = bySecurable.get(g.name) ?? new Set<string>();
        for (const p of g.privileges) set.add(p);
        bySecurable.set(g.name, set);
        held.set(g.principal, bySecurable);
    }

    const names = [...kindOf.keys()].sort();
    const result: Record<string, EffectiveEntry[]> = {};
    for (const principal of [...held.keys()].sort()) {
        const bySecurable = held.get(principal) as Map<string, Set<string>>;
        const entries: EffectiveEntry[] = [];
        for (const name of names) {
            const kind = kindOf.get(name) as GrantKind;
            const own = bySecurable.get(name) ?? new Set<string>();
            const inherited = new Set<string>();
            let ancestor = parentName(kind, name);
            while (ancestor !== undefined) {
                const ancestorKind = kindOf.get(ancestor) ?? (ancestor.includes(".") ? "schema" : "catalog");
                const passesDown = INHERITED_BY_CHILDREN[ancestorKind as "catalog" | "schema"] ?? [];
                for (const p of bySecurable.get(ancestor) ?? []) {
                    if (passesDown.includes(p) && PRIVILEGES[kind].includes(p) && !own.has(p)) inherited.add(p);
                }
                ancestor = parentName(ancestorKind, ancestor);
            }
            if (own.size + inherited.size > 0) entries.push({ kind, name, privileges: [...own].sort(), inherited: [...inherited].sort() });
        }
        result[principal] = entries;
    }
    return result;
}

/** The effective set of one entry: granted ∪ inherited, sorted. */
export function effectiveSet(entry: EffectiveEntry): string[] {
    return [...new Set([...entry.privileges, ...entry.inherited])].sort();
}
