/**
 * How far the built provider is from the one the SDK was generated from: the top-level input fields
 * of each resource type the plans use, as the installed Pulumi SDK declares them (`<Type>Args` in its
 * .d.ts), against the built provider's schema. A field the SDK has and the provider lacks is one the
 * built provider cannot validate (and a sign that the build is older than the SDK's own upstream).
 * Pure parsing and comparison (unit-tested); `sdkInputFields` reads node_modules.
 */
import * as fs from "fs";
import * as path from "path";
import { TfBlock, pulumiFieldNames } from "./schema";

/** Field names of `export interface <Name>Args { ... }` in a Pulumi SDK .d.ts. */
export function argsFields(dts: string, typeName: string): string[] | undefined {
    const start = dts.indexOf(`export interface ${typeName}Args {`);
    if (start < 0) return undefined;
    const end = dts.indexOf("\n}", start);
    const body = dts.slice(start, end < 0 ? undefined : end);
    return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]);
}

/** The SDK's declared inputs for a type token such as `databricks:index/modelServing:ModelServing`. */
export function sdkInputFields(root: string, pulumiType: string): string[] | undefined {
    const m = /^([a-z-]+):index\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(pulumiType);
    if (!m) return undefined;
    const file = path.join(root, "node_modules", "@pulumi", m[1], `${m[2]}.d.ts`);
    if (!fs.existsSync(file)) return undefined;
    return argsFields(fs.readFileSync(file, "utf8"), m[3]);
}

export interface Drift {
    type: string;
    /** In the SDK, not in the built provider. */
    sdkOnly: string[];
    /** In the built provider, not in the SDK (renamed, or newer than the SDK). */
    providerOnly: string[];
}

export function compareFields(type: string, sdkFields: readonly string[], block: TfBlock): Drift {
    const names = pulumiFieldNames(block);
    const tfOfSdk = new Set(sdkFields.map((f) => names.get(f)).filter((x): x is string => !!x));
    const settable = [...block.attributes.filter((a) => a.required || a.optional).map((a) => a.name), ...block.blocks.map((b) => b.name)];
    return {
        type,
        sdkOnly: sdkFields.filter((f) => !names.has(f)),
        providerOnly: settable.filter((n) => !tfOfSdk.has(n)),
    };
}
