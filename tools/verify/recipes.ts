/**
 * How each provider the program uses can be built here, and why not where it cannot. Keyed by the
 * SDK version read from package-lock.json (`versions.ts`): a new SDK version without an entry here is
 * reported as "no recipe for that version", never silently built at another.
 *
 * Two routes (see docs/verify.md):
 *  - Pulumi protocol: the provider as Pulumi ships it (the bridged provider module, or the native one),
 *    at the SDK's own version. The module proxy this project can reach refuses every one of these
 *    modules (`403 This module version is not available`), so `build.ts` asks for it on every run and
 *    prints the proxy's own answer.
 *  - Terraform protocol: the upstream Terraform provider (a plain Go module) the bridged release wraps,
 *    driven over tfplugin6 with our Pulumi inputs mapped onto its own schema (`schema.ts`).
 */
import type { ProviderName } from "./versions";

export interface UpstreamBuild {
    /** Go module of the upstream Terraform provider (its main package is built). */
    module: string;
    /** Version built. */
    version: string;
    /** Terraform plugin protocol major version it serves. */
    protocol: 6;
    /**
     * True when this is exactly the upstream the bridged release wraps. False when the exact upstream is
     * not served here and a neighbouring release is built instead: every result then says so.
     */
    exact: boolean;
    /** Where the version comes from, and why it is not exact when it is not. */
    note: string;
}

export interface Recipe {
    provider: ProviderName;
    /** The Pulumi provider's Go module (the Pulumi-protocol route), asked for at `v<sdk version>`. */
    pulumiModule: string;
    /** Upstream builds by SDK version (the Terraform-protocol route), for bridged providers. */
    upstream: Record<string, UpstreamBuild>;
    /** Why there is no upstream route at all (native providers), or what is missing for one. */
    noUpstream?: string;
    /** Pulumi type-token prefixes of the resources this provider serves (`databricks:`). */
    typePrefix: string;
}

export const RECIPES: Readonly<Record<ProviderName, Recipe>> = {
    databricks: {
        provider: "databricks",
        pulumiModule: "github.com/pulumi/pulumi-databricks/provider",
        typePrefix: "databricks:",
        upstream: {
            "1.110.0": {
                module: "github.com/databricks/terraform-provider-databricks",
                version: "v1.123.0",
                protocol: 6,
                exact: false,
                note:
                    "pulumi-databricks 1.110.0 wraps a later upstream than v1.123.0 (its release notes: 1.101.0 upgraded to v1.123.0, and each release since " +
                    "upgraded again); the exact one is recorded only in the bridged module, which the module proxy refuses, and the later upstream " +
                    "releases asked for (v1.132.0, v1.133.0) are refused too. v1.123.0 — the upstream of pulumi-databricks 1.101.0 — is served: it is " +
                    "built, and every result names it.",
            },
        },
    },
    azuread: {
        provider: "azuread",
        pulumiModule: "github.com/pulumi/pulumi-azuread/provider/v6",
        typePrefix: "azuread:",
        upstream: {},
        noUpstream:
            "which release of github.com/hashicorp/terraform-provider-azuread pulumi-azuread 6.9.1 wraps is recorded only in the refused bridged " +
            "module, and the module proxy refuses the upstream's version list, so no release can be matched to it (the proxy serves an old v1.6.0, " +
            "years older than the v3 line pulumi-azuread 6 wraps)",
    },
    random: {
        provider: "random",
        pulumiModule: "github.com/pulumi/pulumi-random/provider/v4",
        typePrefix: "random:",
        upstream: {},
        noUpstream:
            "the module proxy serves github.com/terraform-providers/terraform-provider-random only as untagged commits (pseudo-versions); which " +
            "commit pulumi-random 4.21.2 pins is recorded only in the refused bridged module, so none can be called exact",
    },
    command: {
        provider: "command",
        pulumiModule: "github.com/pulumi/pulumi-command/provider",
        typePrefix: "command:",
        upstream: {},
        noUpstream: "pulumi-command is a native Pulumi provider (no Terraform upstream): only its own module would do, and the module proxy refuses it",
    },
    "azure-native": {
        provider: "azure-native",
        pulumiModule: "github.com/pulumi/pulumi-azure-native/v3/provider",
        typePrefix: "azure-native:",
        upstream: {},
        noUpstream:
            "azure-native is a native Pulumi provider generated from the Azure REST specs, with metadata generated at its build time and embedded; " +
            "there is no Terraform upstream, and the module proxy refuses its module",
    },
};

/** The recipe's provider for a Pulumi type token (`pulumi:providers:databricks` included), if any. */
export function providerOfType(type: string): ProviderName | undefined {
    if (type.startsWith("pulumi:providers:")) {
        const name = type.slice("pulumi:providers:".length) as ProviderName;
        return name in RECIPES ? name : undefined;
    }
    for (const r of Object.values(RECIPES)) if (type.startsWith(r.typePrefix)) return r.provider;
    return undefined;
}
