/**
 * A Terraform provider's own schema (as GetProviderSchema returns it) and the mapping of a Pulumi
 * resource's inputs onto it: Pulumi type token → Terraform type name, camelCase input → snake_case
 * attribute or block (pluralised list blocks such as `grant` → `grants` included), a single object
 * for a block of at most one item → a one-element list, as pulumi-terraform-bridge maps them by
 * default. Fields that match nothing in the provider's schema are reported, never dropped silently.
 * Pure, unit-tested.
 */
import { CtyType, CtyValue, UNKNOWN } from "./cty";

export interface TfAttribute {
    name: string;
    /** cty type JSON (absent when `nested_type` is set). */
    type?: CtyType;
    nested?: { attributes: TfAttribute[]; nesting: "SINGLE" | "LIST" | "SET" | "MAP" };
    required: boolean;
    optional: boolean;
    computed: boolean;
}

export interface TfBlock {
    attributes: TfAttribute[];
    blocks: TfNestedBlock[];
}

export interface TfNestedBlock {
    name: string;
    nesting: "SINGLE" | "LIST" | "SET" | "MAP" | "GROUP";
    minItems: number;
    maxItems: number;
    block: TfBlock;
}

export interface TfSchema {
    provider: TfBlock;
    resources: Record<string, TfBlock>;
}

/** Converts the protocol's Schema.Block (proto-loader object, keepCase) to a TfBlock. */
export function blockFromProto(raw: any): TfBlock {
    const attr = (a: any): TfAttribute => ({
        name: a.name,
        type: a.type && a.type.length ? (JSON.parse(Buffer.from(a.type).toString("utf8")) as CtyType) : undefined,
        nested: a.nested_type ? { attributes: (a.nested_type.attributes ?? []).map(attr), nesting: a.nested_type.nesting } : undefined,
        required: !!a.required,
        optional: !!a.optional,
        computed: !!a.computed,
    });
    return {
        attributes: (raw?.attributes ?? []).map(attr),
        blocks: (raw?.block_types ?? []).map((b: any) => ({
            name: b.type_name,
            nesting: b.nesting,
            minItems: Number(b.min_items ?? 0),
            maxItems: Number(b.max_items ?? 0),
            block: blockFromProto(b.block),
        })),
    };
}

/** The cty type of a value conforming to the block (what the protocol encodes configs and states as). */
export function impliedType(block: TfBlock): CtyType {
    const attrs: Record<string, CtyType> = {};
    for (const a of block.attributes) attrs[a.name] = attributeType(a);
    for (const b of block.blocks) {
        const obj = impliedType(b.block);
        attrs[b.name] = b.nesting === "LIST" ? ["list", obj] : b.nesting === "SET" ? ["set", obj] : b.nesting === "MAP" ? ["map", obj] : obj;
    }
    return ["object", attrs];
}

function attributeType(a: TfAttribute): CtyType {
    if (a.type) return a.type;
    if (!a.nested) return "dynamic";
    const obj: CtyType = ["object", Object.fromEntries(a.nested.attributes.map((x) => [x.name, attributeType(x)]))];
    const n = a.nested.nesting;
    return n === "LIST" ? ["list", obj] : n === "SET" ? ["set", obj] : n === "MAP" ? ["map", obj] : obj;
}

/** `model_serving` → `modelServing`. */
export function camel(snake: string): string {
    return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `ModelServing`/`modelServing` → `model_serving`. */
export function snake(name: string): string {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
        .toLowerCase();
}

/** English plural as the bridge forms list field names (`grant` → `grants`, `library` → `libraries`). */
export function plural(word: string): string {
    if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
    if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
    return `${word}s`;
}

/** `databricks:index/modelServing:ModelServing` → `databricks_model_serving`. */
export function terraformTypeName(pulumiType: string): string | undefined {
    const m = /^([a-z0-9-]+):[^/]+\/([A-Za-z0-9]+):[A-Za-z0-9]+$/.exec(pulumiType);
    if (!m) return undefined;
    return `${m[1]}_${snake(m[2])}`;
}

export interface MappingIssue {
    /** Pulumi input path, e.g. `config.servedEntities[0].foo`. */
    path: string;
    message: string;
}

interface Field {
    tfName: string;
    attr?: TfAttribute;
    block?: TfNestedBlock;
}

/** Pulumi names for each attribute and block of a block (camelCase, and the plural for lists and sets). */
function fieldIndex(attributes: TfAttribute[], blocks: TfNestedBlock[]): Map<string, Field> {
    const index = new Map<string, Field>();
    const add = (name: string, f: Field) => {
        if (!index.has(name)) index.set(name, f);
    };
    for (const a of attributes) add(camel(a.name), { tfName: a.name, attr: a });
    for (const b of blocks) add(camel(b.name), { tfName: b.name, block: b });
    for (const a of attributes) {
        const t = a.type;
        const many = (Array.isArray(t) && (t[0] === "list" || t[0] === "set")) || (a.nested && (a.nested.nesting === "LIST" || a.nested.nesting === "SET"));
        if (many) add(plural(camel(a.name)), { tfName: a.name, attr: a });
    }
    for (const b of blocks) if (b.nesting === "LIST" || b.nesting === "SET") add(plural(camel(b.name)), { tfName: b.name, block: b });
    return index;
}

/** Pulumi input name → Terraform field name, for the top level of a block (as `toTerraform` maps them). */
export function pulumiFieldNames(block: TfBlock): Map<string, string> {
    return new Map([...fieldIndex(block.attributes, block.blocks)].map(([k, f]) => [k, f.tfName]));
}

const UNKNOWN_MARK = "[unknown]";

/**
 * Maps Pulumi inputs (camelCase, as the program registered them) onto the Terraform block: every
 * attribute present (null when not set), list and set blocks as arrays. `issues` collects inputs
 * the provider's schema has no field for.
 */
export function toTerraform(block: TfBlock, inputs: Record<string, unknown>, issues: MappingIssue[], path = ""): Record<string, CtyValue> {
    const out: Record<string, CtyValue> = {};
    for (const a of block.attributes) out[a.name] = null;
    for (const b of block.blocks) out[b.name] = b.nesting === "LIST" || b.nesting === "SET" ? [] : b.nesting === "MAP" ? {} : null;
    const index = fieldIndex(block.attributes, block.blocks);
    for (const [key, value] of Object.entries(inputs)) {
        if (key.startsWith("__") || value === undefined) continue;
        const at = path ? `${path}.${key}` : key;
        const field = index.get(key) ?? index.get(camel(snake(key)));
        if (!field) {
            issues.push({ path: at, message: "the provider's schema has no such field" });
            continue;
        }
        if (field.attr) out[field.tfName] = convertAttribute(field.attr, value, issues, at);
        else if (field.block) out[field.tfName] = convertBlock(field.block, value, issues, at);
    }
    return out;
}

function convertBlock(b: TfNestedBlock, value: unknown, issues: MappingIssue[], path: string): CtyValue {
    if (value === UNKNOWN_MARK) return UNKNOWN;
    if (value === null) return b.nesting === "LIST" || b.nesting === "SET" ? [] : null;
    const one = (v: unknown, p: string): CtyValue =>
        v === UNKNOWN_MARK ? UNKNOWN : typeof v === "object" && v !== null && !Array.isArray(v) ? toTerraform(b.block, v as Record<string, unknown>, issues, p) : convertValue(impliedType(b.block), v, issues, p);
    if (b.nesting === "LIST" || b.nesting === "SET") {
        // The bridge flattens a block of at most one item into a single object.
        const items = Array.isArray(value) ? value : [value];
        return items.map((v, i) => one(v, Array.isArray(value) ? `${path}[${i}]` : path));
    }
    if (b.nesting === "MAP") {
        if (typeof value !== "object" || Array.isArray(value)) return convertValue(impliedType(b.block), value, issues, path);
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, one(v, `${path}.${k}`)]));
    }
    return one(Array.isArray(value) && value.length === 1 ? value[0] : value, path);
}

function convertAttribute(a: TfAttribute, value: unknown, issues: MappingIssue[], path: string): CtyValue {
    if (a.nested) {
        const nb: TfNestedBlock = { name: a.name, nesting: a.nested.nesting, minItems: 0, maxItems: 0, block: { attributes: a.nested.attributes, blocks: [] } };
        return convertBlock(nb, value, issues, path);
    }
    return convertValue(a.type ?? "dynamic", value, issues, path);
}

/** A plain value by its cty type: object attributes snake_cased, unknown markers → UNKNOWN. */
export function convertValue(type: CtyType, value: unknown, issues: MappingIssue[], path: string): CtyValue {
    if (value === UNKNOWN_MARK) return UNKNOWN;
    if (value === null || value === undefined) return null;
    const k = typeof type === "string" ? type : type[0];
    if (k === "list" || k === "set") {
        const inner = (type as unknown[])[1] as CtyType;
        const items = Array.isArray(value) ? value : [value];
        return items.map((v, i) => convertValue(inner, v, issues, `${path}[${i}]`));
    }
    if (k === "map" && typeof value === "object" && !Array.isArray(value)) {
        const inner = (type as unknown[])[1] as CtyType;
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, convertValue(inner, v, issues, `${path}.${key}`)]));
    }
    if (k === "object" && typeof value === "object" && !Array.isArray(value)) {
        const attrs = (type as unknown[])[1] as Record<string, CtyType>;
        const names = new Map(Object.keys(attrs).map((n) => [camel(n), n]));
        const out: Record<string, CtyValue> = Object.fromEntries(Object.keys(attrs).map((n) => [n, null]));
        for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
            const tf = names.get(key) ?? (key in attrs ? key : undefined);
            if (!tf) {
                issues.push({ path: `${path}.${key}`, message: "the provider's schema has no such field" });
                continue;
            }
            out[tf] = convertValue(attrs[tf], v, issues, `${path}.${key}`);
        }
        return out;
    }
    if (typeof value === "object") return value as CtyValue;
    return value as CtyValue;
}

/** Replaces unknowns by null: a prior state built from a create plan (computed values not known offline). */
export function knownOrNull(value: CtyValue): CtyValue {
    if (value === UNKNOWN) return null;
    if (Array.isArray(value)) return value.map(knownOrNull);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, knownOrNull(v)]));
    return value;
}

/**
 * Terraform core's "proposed new state" (objchange.ProposedNew, simplified): the config, with every
 * computed attribute the config leaves null taken from the prior state; nested blocks element by
 * element where both sides have the same number of elements.
 */
export function proposedNew(block: TfBlock, prior: Record<string, CtyValue> | null, config: Record<string, CtyValue>): Record<string, CtyValue> {
    if (!prior) return config;
    const out: Record<string, CtyValue> = { ...config };
    for (const a of block.attributes) {
        if (a.computed && (config[a.name] === null || config[a.name] === undefined)) out[a.name] = prior[a.name] ?? null;
    }
    for (const b of block.blocks) {
        const c = config[b.name];
        const p = prior[b.name];
        if (b.nesting === "SINGLE" || b.nesting === "GROUP") {
            if (c && p && typeof c === "object" && typeof p === "object" && !Array.isArray(c)) {
                out[b.name] = proposedNew(b.block, p as Record<string, CtyValue>, c as Record<string, CtyValue>);
            }
        } else if (b.nesting === "LIST" && Array.isArray(c) && Array.isArray(p) && c.length === p.length) {
            out[b.name] = c.map((el, i) => (el && typeof el === "object" && !Array.isArray(el) ? proposedNew(b.block, p[i] as Record<string, CtyValue>, el as Record<string, CtyValue>) : el));
        }
    }
    return out;
}

/**
 * A Terraform attribute path (protocol steps) as the Pulumi input path a person reads: attribute
 * names camelCased, list blocks by their plural Pulumi name, and the `[0]` of a block of at most one
 * item dropped (the bridge flattens those into a single object).
 */
export function pulumiPathFor(block: TfBlock, steps: any[]): string {
    let out = "";
    let current: TfBlock | undefined = block;
    let skipIndex = false;
    for (const s of steps ?? []) {
        if (s.selector === "attribute_name" || (s.attribute_name && !s.selector)) {
            const name: string = s.attribute_name;
            const nested: TfNestedBlock | undefined = current?.blocks.find((b) => b.name === name);
            const attr: TfAttribute | undefined = current?.attributes.find((a) => a.name === name);
            let piece = camel(name);
            skipIndex = false;
            if (nested) {
                if ((nested.nesting === "LIST" || nested.nesting === "SET") && nested.maxItems === 1) skipIndex = true;
                else if (nested.nesting === "LIST" || nested.nesting === "SET") piece = plural(camel(name));
                current = nested.block;
            } else if (attr?.nested) {
                current = { attributes: attr.nested.attributes, blocks: [] };
            } else current = undefined;
            out += `${out ? "." : ""}${piece}`;
        } else if (s.selector === "element_key_int") {
            if (!skipIndex) out += `[${s.element_key_int}]`;
            skipIndex = false;
        } else if (s.selector === "element_key_string") {
            out += `[${JSON.stringify(s.element_key_string)}]`;
        }
    }
    return out || "(resource)";
}
