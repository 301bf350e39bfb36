/**
 * The provider versions `npm run verify` builds, read from package-lock.json (never typed by hand, so
 * they cannot drift from what the program runs with). Pure, unit-tested.
 */
import * as fs from "fs";
import * as path from "path";

/** The Pulumi provider SDKs the program uses, by plugin name. */
export const PROVIDER_SDKS = ["databricks", "azuread", "random", "command", "azure-native"] as const;
export type ProviderName = (typeof PROVIDER_SDKS)[number];

/** The installed version of each provider SDK, from a parsed package-lock.json (lockfile v2/v3). */
export function sdkVersions(lock: { packages?: Record<string, { version?: string }> }): Record<ProviderName, string> {
    const out = {} as Record<ProviderName, string>;
    for (const name of PROVIDER_SDKS) {
        const entry = lock.packages?.[`node_modules/@pulumi/${name}`];
        if (!entry?.version) throw new Error(`package-lock.json has no node_modules/@pulumi/${name}: run npm install`);
        out[name] = entry.version;
    }
    return out;
}

/** `sdkVersions` of the project's own lock file. */
export function projectSdkVersions(root: string): Record<ProviderName, string> {
    return sdkVersions(JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")));
}
