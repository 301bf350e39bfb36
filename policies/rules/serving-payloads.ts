/**
 * Inference payloads stay with their auditors. A serving endpoint's inference tables hold every
 * request and response it served (for the pneumonia classifier: patients' chest X-rays), so the
 * schema they land in must hold nothing else and be readable by the configured auditors only:
 * a reader of a shared schema (gold, where analysts and the app read) reads the payloads too.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PAYLOAD_SCHEMA_MARKER } from "../privileges";
import { effectivePrivileges, grantEntries } from "./access-model";
import { PrincipalDirectory, describeSubject, matchesAny, selectorRoles } from "./principals";
import { Maybe, TYPES, UNKNOWN, configOf, knownString, read, stringListSchema } from "./util";

/** Privileges that read a payload table. */
const READS = ["SELECT"];
/** Privileges that alter or re-share one: nobody holds them on an audit record, auditors included. */
const ALTERS = ["MODIFY", "ALL_PRIVILEGES", "MANAGE"];

/** Data objects the platform places in a schema: any of them in the payload schema means the schema is shared. */
const DATA_OBJECTS: readonly { type: string; what: string }[] = [
    { type: TYPES.registeredModel, what: "registered model" },
    { type: TYPES.sqlTable, what: "table" },
    { type: TYPES.volume, what: "volume" },
];

/** Where an endpoint's inference tables land, `catalog.schema`, when enabled and known. */
export function payloadSchemaOf(endpoint: PolicyResource): Maybe<string> | undefined {
    const gateway = read(() => endpoint.props.aiGateway?.inferenceTableConfig);
    const legacy = read(() => endpoint.props.config?.autoCaptureConfig);
    for (const table of [gateway, legacy]) {
        if (table === UNKNOWN) return UNKNOWN;
        if (!table || read(() => table.enabled) === false) continue;
        const catalog = knownString(() => table.catalogName);
        const schema = knownString(() => table.schemaName);
        return catalog !== undefined && schema !== undefined ? `${catalog}.${schema}` : UNKNOWN;
    }
    return undefined;
}

/** `catalog.schema` of a resource placed in a schema (models, tables, volumes; a pipeline's target). */
function schemaOf(resource: PolicyResource): string | undefined {
    const p = resource.props;
    const catalog = knownString(() => p.catalogName) ?? knownString(() => p.catalog);
    const schema = knownString(() => p.schemaName) ?? knownString(() => p.schema) ?? knownString(() => p.target);
    return catalog !== undefined && schema !== undefined ? `${catalog}.${schema}` : undefined;
}

function fold(name: string): string {
    return name.normalize("NFC").trim().toLowerCase();
}

export const servingPayloadsPrivate: StackValidationPolicy = {
    name: "serving-payloads-private",
    description:
        "Serving endpoints log their payloads (every request and response) to a schema of their own: no registered model, table, volume or pipeline output shares it, and only the configured auditors can read it (SELECT, granted on the schema or passed down from the catalog); nobody, auditors included, can alter or re-grant the payloads (MODIFY, ALL_PRIVILEGES, MANAGE). A schema with properties.contents inference-payloads is held to this before any endpoint logs to it.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            auditors: stringListSchema('Who may read inference payloads: principal names or "role:<role>" selectors (the stack\'s lakehouse:payloadAuditors, as npm run policy-config derives them).', []),
        },
    },
    validateStack: (args, report) => {
        const { auditors } = configOf<{ auditors: string[] }>(args, servingPayloadsPrivate);
        const endpoints = args.resources.filter((r) => r.type === TYPES.modelServing);
        const payloadSchemas = new Map<string, PolicyResource[]>();
        for (const endpoint of endpoints) {
            const schema = payloadSchemaOf(endpoint);
            if (schema === undefined || schema === UNKNOWN) continue;
            const key = fold(schema);
            payloadSchemas.set(key, [...(payloadSchemas.get(key) ?? []), endpoint]);
        }
        // A schema declared for payloads (the program marks its own) is one before any endpoint logs to it.
        for (const schema of args.resources.filter((r) => r.type === TYPES.schema && knownString(() => r.props.properties?.contents) === PAYLOAD_SCHEMA_MARKER)) {
            const catalog = knownString(() => schema.props.catalogName);
            const name = knownString(() => schema.props.name);
            if (catalog !== undefined && name !== undefined && !payloadSchemas.has(fold(`${catalog}.${name}`))) payloadSchemas.set(fold(`${catalog}.${name}`), []);
        }
        if (payloadSchemas.size === 0) return;

        for (const [schema, loggers] of payloadSchemas) {
            const names = loggers.length > 0 ? loggers.map((e) => e.name).join(", ") : "the serving endpoints (the schema says contents: inference-payloads)";
            for (const r of args.resources) {
                const placed = schemaOf(r);
                if (placed === undefined || fold(placed) !== schema) continue;
                const object = DATA_OBJECTS.find((o) => o.type === r.type);
                if (object) report(`${schema} holds the inference payloads of ${names} and also the ${object.what} ${r.name}: whoever reads it reads the payloads. Give the payloads a schema of their own.`, r.urn);
                else if (r.type === TYPES.pipeline) report(`the pipeline ${r.name} publishes into ${schema}, which holds the inference payloads of ${names}: its readers read the payloads. Give the payloads a schema of their own.`, r.urn);
            }
        }

        const directory = new PrincipalDirectory(args.resources, selectorRoles(auditors));
        const reported = new Set<string>();
        for (const e of effectivePrivileges(grantEntries(args.resources, directory), [])) {
            if (e.kind !== "table" || !e.location || e.location.name === UNKNOWN) continue;
            const on = fold(e.location.name);
            const kind = e.location.kind;
            const schema = [...payloadSchemas.keys()].find((s) =>
                kind === "catalog" ? on === s.split(".")[0] : kind === "schema" ? on === s : on.startsWith(`${s}.`),
            );
            if (schema === undefined) continue;
            const alters = ALTERS.includes(e.privilege);
            const readsWithoutLeave = READS.includes(e.privilege) && !matchesAny(auditors, e.subject);
            if (!alters && !readsWithoutLeave) continue;
            const key = `${e.via.resource.urn}|${describeSubject(e.subject)}|${e.privilege}|${schema}`;
            if (reported.has(key)) continue;
            reported.add(key);
            const what = alters ? `can alter or re-grant them (${e.privilege})` : "can read them (SELECT) without being an auditor";
            report(`${describeSubject(e.subject)} ${what}: ${e.grantedOn} reaches the inference payloads in ${schema}. Only lakehouse:payloadAuditors read payloads, and nobody alters them.`, e.via.resource.urn);
        }
    },
};
