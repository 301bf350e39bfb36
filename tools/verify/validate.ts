/**
 * Validation of planned resources by the providers' own code: each custom resource's inputs are mapped
 * onto its provider's schema and sent to ValidateResourceConfig (the provider config to
 * ValidateProviderConfig); error diagnostics reject the resource, naming the field and the provider's
 * message. Resources of providers that are not built are reported as not verified, with the reason.
 */
import { CtyEncodeError, CtyValue } from "./cty";
import { BuiltProvider } from "./build";
import { providerOfType } from "./recipes";
import { MappingIssue, TfBlock, TfSchema, pulumiPathFor, terraformTypeName, toTerraform } from "./schema";
import { Diagnostic, TerraformProvider } from "./tfclient";
import type { ProviderName } from "./versions";

/** The parts of a planned resource validation reads (a harness `PlannedResource` fits). */
export interface ValidatableResource {
    urn: string;
    type: string;
    name: string;
    /** Inputs with secrets in clear (never printed). */
    rawInputs: Record<string, unknown>;
    secretInputs?: string[];
}

export interface Finding {
    /** Pulumi input path the provider points at, or `(resource)`. */
    field: string;
    message: string;
}

export interface ResourceVerdict {
    urn: string;
    type: string;
    name: string;
    provider: ProviderName | "none";
    status: "accepted" | "rejected" | "not verified";
    /** The provider build that answered (`terraform-provider-databricks@v1.123.0`). */
    by?: string;
    errors: Finding[];
    warnings: Finding[];
    /** Inputs the provider's schema has no field for (mapping gaps; shown, not rejections). */
    unmapped: MappingIssue[];
    /** Why a resource was not verified. */
    reason?: string;
}

/** One running provider with its schema. */
export class ProviderSession {
    private configured = new Map<string, Diagnostic[]>();

    private constructor(
        readonly build: BuiltProvider,
        readonly client: TerraformProvider,
        readonly schema: TfSchema,
    ) {}

    static async start(build: BuiltProvider): Promise<ProviderSession> {
        const client = await TerraformProvider.start(build.binary, build.protoFile);
        try {
            return new ProviderSession(build, client, await client.schema());
        } catch (err) {
            await client.stop();
            throw err;
        }
    }

    get label(): string {
        return `${this.build.upstream.module.split("/").pop()}@${this.build.upstream.version}`;
    }

    /** ConfigureProvider once per distinct config (PlanResourceChange needs a configured provider). */
    async configure(config: Record<string, CtyValue>): Promise<Diagnostic[]> {
        const key = JSON.stringify(config);
        let diags = this.configured.get(key);
        if (!diags) {
            diags = await this.client.configure(this.schema.provider, config);
            this.configured.set(key, diags);
        }
        return diags;
    }

    stop(): Promise<void> {
        return this.client.stop();
    }
}

/** Replaces every secret string of `inputs` in `text` by "[secret]" (provider messages may echo values). */
export function scrubSecrets(text: string, inputs: Record<string, unknown>, secretInputs: string[] = []): string {
    const leaves: string[] = [];
    const walk = (v: unknown) => {
        if (typeof v === "string" && v.length >= 4) leaves.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
    };
    for (const key of secretInputs) walk(inputs[key]);
    let out = text;
    for (const s of leaves.sort((a, b) => b.length - a.length)) out = out.split(s).join("[secret]");
    return out;
}

function finding(d: Diagnostic, r: ValidatableResource, block: TfBlock): Finding {
    const message = [d.summary, d.detail].filter((s) => s && s.trim()).join(": ");
    return { field: d.attribute?.steps?.length ? pulumiPathFor(block, d.attribute.steps) : "(resource)", message: scrubSecrets(message, r.rawInputs, r.secretInputs) };
}

/** The provider's config block input from a `pulumi:providers:<name>` resource (its `version` is Pulumi's own). */
export function providerConfig(block: TfBlock, inputs: Record<string, unknown>, issues: MappingIssue[]): Record<string, CtyValue> {
    const { version: _v, pluginDownloadURL: _u, ...rest } = inputs;
    return toTerraform(block, rest, issues);
}

/** Validates one resource with its provider session. */
export async function validateOne(session: ProviderSession, r: ValidatableResource): Promise<ResourceVerdict> {
    const base = { urn: r.urn, type: r.type, name: r.name, provider: session.build.provider, by: session.label };
    const unmapped: MappingIssue[] = [];
    let diags: Diagnostic[];
    let block: TfBlock = session.schema.provider;
    try {
        if (r.type.startsWith("pulumi:providers:")) {
            diags = await session.client.validateProviderConfig(session.schema.provider, providerConfig(session.schema.provider, r.rawInputs, unmapped));
        } else {
            const tfType = terraformTypeName(r.type);
            const found = tfType ? session.schema.resources[tfType] : undefined;
            if (!tfType || !found) {
                return { ...base, status: "rejected", errors: [{ field: "(type)", message: `the provider has no resource ${tfType ?? r.type}` }], warnings: [], unmapped };
            }
            block = found;
            diags = await session.client.validateResource(tfType, block, toTerraform(block, r.rawInputs, unmapped));
        }
    } catch (err) {
        if (err instanceof CtyEncodeError) {
            return { ...base, status: "rejected", errors: [{ field: err.message.split(":")[0], message: `does not fit the provider's type: ${err.message}` }], warnings: [], unmapped };
        }
        throw err;
    }
    const errors = diags.filter((d) => d.severity === "ERROR").map((d) => finding(d, r, block));
    // Built at the SDK's exact upstream, an input the schema lacks is one the provider would refuse; built
    // at another release it may be a field added or renamed in between, so it is reported, not failed.
    if (session.build.upstream.exact) for (const u of unmapped) errors.push({ field: u.path, message: `An argument named "${u.path}" is not expected here (${session.label})` });
    const warnings = diags.filter((d) => d.severity === "WARNING").map((d) => finding(d, r, block));
    return { ...base, status: errors.length ? "rejected" : "accepted", errors, warnings, unmapped };
}

/** Validates every custom resource: by its provider's session when built, else `not verified` with the reason. */
export async function validateResources(
    resources: readonly ValidatableResource[],
    sessions: ReadonlyMap<ProviderName, ProviderSession>,
    unavailable: ReadonlyMap<ProviderName, string>,
): Promise<ResourceVerdict[]> {
    const out: ResourceVerdict[] = [];
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("lakehouse:")) continue; // components: no provider
        const provider = providerOfType(r.type);
        const session = provider ? sessions.get(provider) : undefined;
        if (!provider || !session) {
            out.push({
                urn: r.urn,
                type: r.type,
                name: r.name,
                provider: provider ?? "none",
                status: "not verified",
                errors: [],
                warnings: [],
                unmapped: [],
                reason: provider ? (unavailable.get(provider) ?? "provider not built") : "no provider recipe for this type",
            });
            continue;
        }
        out.push(await validateOne(session, r));
    }
    return out;
}
