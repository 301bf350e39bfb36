/**
 * Builds, once, the provider code `npm run verify` drives, at the versions package-lock.json pins, into
 * `.verify-cache/<provider>-<sdk version>--<module>@<version>/` (git-ignored): a generated go.mod that
 * requires the provider module, `go build` of its main package, and the tfplugin6.proto of the
 * terraform-plugin-go it was built with. A second run finds the binary and builds nothing.
 *
 * It also asks the module proxy, on every run, for the Pulumi provider module of each SDK (the
 * Pulumi-protocol route) and keeps the proxy's exact answer, so the report says by name why each is
 * not built. Nothing is substituted: a provider that cannot be built is reported as not verified.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { RECIPES, UpstreamBuild } from "./recipes";
import { PROVIDER_SDKS, ProviderName } from "./versions";

const run = promisify(execFile);

export const CACHE_DIR = ".verify-cache";

export interface BuiltProvider {
    provider: ProviderName;
    sdkVersion: string;
    upstream: UpstreamBuild;
    binary: string;
    protoFile: string;
    /** Seconds the build took when it ran (from the cache manifest). */
    buildSeconds: number;
    /** True when this run built it (false: found in the cache). */
    builtNow: boolean;
}

export interface Unavailable {
    provider: ProviderName;
    sdkVersion: string;
    /**
     * True when a recipe says it can be built here and the build failed (or Go is missing): a failure of
     * the verify itself. False when no route exists here (the reason says why): reported, not failed.
     */
    failed: boolean;
    /** Why it is not driven here, with the module proxy's or the compiler's own words. */
    reason: string;
}

export type BuildOutcome = { built: BuiltProvider[]; unavailable: Unavailable[] };

/** Folder name of one build: keyed by the SDK version and the module version it builds. */
export function cacheKey(provider: string, sdkVersion: string, upstream: UpstreamBuild): string {
    return `${provider}-${sdkVersion}--${upstream.module.split("/").pop()}@${upstream.version}`;
}

function goEnv(): NodeJS.ProcessEnv {
    // -mod=mod: resolve from go.mod; -buildvcs=false: the cache sits inside this git work tree, its VCS
    // state is not the provider's; GOTOOLCHAIN=local: never fetch another Go.
    return { ...process.env, GOFLAGS: "-mod=mod -buildvcs=false", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };
}

async function go(args: string[], cwd: string, timeoutMs: number): Promise<string> {
    try {
        const { stdout } = await run("go", args, { cwd, env: goEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
        return stdout;
    } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`go ${args.join(" ")}: ${(e.stderr || e.message).trim()}`);
    }
}

/** Asks the module proxy for `module@v<version>`: undefined when served, else its error (one line). */
export async function probeModule(module: string, version: string): Promise<string | undefined> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-probe-"));
    try {
        fs.writeFileSync(path.join(dir, "go.mod"), "module probe.local\n\ngo 1.24\n");
        // `go mod download -json` prints its JSON (with the proxy's answer in `Error`) and exits 1 on a refusal.
        const out = await run("go", ["mod", "download", "-json", `${module}@v${version}`], { cwd: dir, env: goEnv(), timeout: 60_000 }).then(
            (r) => r.stdout,
            (e: { stdout?: string; stderr?: string; message: string }) => e.stdout || e.stderr || e.message,
        );
        try {
            const info = JSON.parse(out) as { Error?: string };
            return info.Error ? oneLine(info.Error) : undefined;
        } catch {
            return oneLine(out);
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function oneLine(text: string): string {
    // The proxy's own words, without its address (`reading https://…/@v/x.info: 403 …` → `module proxy: 403 …`).
    return text
        .replace(/\s*\n\s*/g, " ")
        .replace(/reading https?:\/\/\S+: /g, "module proxy: ")
        .trim();
}

async function buildUpstream(root: string, provider: ProviderName, sdkVersion: string, upstream: UpstreamBuild, log: (line: string) => void): Promise<BuiltProvider> {
    const dir = path.join(root, CACHE_DIR, cacheKey(provider, sdkVersion, upstream));
    const binary = path.join(dir, `terraform-provider-${provider}`);
    const protoFile = path.join(dir, "tfplugin6.proto");
    const manifest = path.join(dir, "build.json");
    if (fs.existsSync(binary) && fs.existsSync(protoFile) && fs.existsSync(manifest)) {
        const m = JSON.parse(fs.readFileSync(manifest, "utf8")) as { seconds: number };
        return { provider, sdkVersion, upstream, binary, protoFile, buildSeconds: m.seconds, builtNow: false };
    }
    fs.mkdirSync(dir, { recursive: true });
    const started = Date.now();
    log(`building ${upstream.module}@${upstream.version} for ${provider} ${sdkVersion} (first run only; cached in ${path.relative(root, dir)})`);
    fs.writeFileSync(path.join(dir, "go.mod"), `module lakehouse.local/verify/${provider}\n\ngo 1.24\n`);
    await go(["get", `${upstream.module}@${upstream.version}`], dir, 20 * 60_000);
    await go(["build", "-trimpath", "-ldflags=-s -w", "-o", binary, upstream.module], dir, 40 * 60_000);
    const pluginGo = (await go(["list", "-m", "-f", "{{.Dir}}", "github.com/hashicorp/terraform-plugin-go"], dir, 60_000)).trim();
    fs.copyFileSync(path.join(pluginGo, "tfprotov6", "internal", "tfplugin6", "tfplugin6.proto"), protoFile);
    const seconds = Math.round((Date.now() - started) / 1000);
    const goVersion = (await go(["env", "GOVERSION"], dir, 10_000)).trim();
    fs.writeFileSync(manifest, `${JSON.stringify({ module: upstream.module, version: upstream.version, sdkVersion, seconds, goVersion }, null, 2)}\n`);
    log(`built ${path.basename(binary)} in ${seconds} s`);
    return { provider, sdkVersion, upstream, binary, protoFile, buildSeconds: seconds, builtNow: true };
}

/** The providers already built in the cache for these versions (no build, no module proxy): for `--diff-set`. */
export function cachedProviders(root: string, versions: Record<ProviderName, string>): BuiltProvider[] {
    const out: BuiltProvider[] = [];
    for (const provider of PROVIDER_SDKS) {
        const upstream = RECIPES[provider].upstream[versions[provider]];
        if (!upstream) continue;
        const dir = path.join(root, CACHE_DIR, cacheKey(provider, versions[provider], upstream));
        const binary = path.join(dir, `terraform-provider-${provider}`);
        const protoFile = path.join(dir, "tfplugin6.proto");
        const manifest = path.join(dir, "build.json");
        if (!fs.existsSync(binary) || !fs.existsSync(protoFile) || !fs.existsSync(manifest)) continue;
        const m = JSON.parse(fs.readFileSync(manifest, "utf8")) as { seconds: number };
        out.push({ provider, sdkVersion: versions[provider], upstream, binary, protoFile, buildSeconds: m.seconds, builtNow: false });
    }
    return out;
}

/** Builds (or finds in the cache) every provider that can be built; says why for each that cannot. */
export async function buildProviders(root: string, versions: Record<ProviderName, string>, log: (line: string) => void): Promise<BuildOutcome> {
    const built: BuiltProvider[] = [];
    const unavailable: Unavailable[] = [];
    let goMissing: string | undefined;
    try {
        await run("go", ["version"], { timeout: 10_000 });
    } catch (err) {
        goMissing = `Go is not installed here (${(err as Error).message})`;
    }
    for (const provider of PROVIDER_SDKS) {
        const recipe = RECIPES[provider];
        const sdkVersion = versions[provider];
        if (goMissing) {
            unavailable.push({ provider, sdkVersion, failed: recipe.upstream[sdkVersion] !== undefined, reason: goMissing });
            continue;
        }
        const pulumiRefusal = await probeModule(recipe.pulumiModule, sdkVersion);
        const pulumiRoute = pulumiRefusal
            ? `Pulumi provider module ${recipe.pulumiModule}@v${sdkVersion}: ${pulumiRefusal}`
            : `Pulumi provider module ${recipe.pulumiModule}@v${sdkVersion} is served now, but this verify does not build it yet (docs/verify.md)`;
        const upstream = recipe.upstream[sdkVersion];
        if (!upstream) {
            const why = recipe.noUpstream ?? `no upstream recipe for @pulumi/${provider} ${sdkVersion} in tools/verify/recipes.ts (add the upstream release it wraps)`;
            unavailable.push({ provider, sdkVersion, failed: false, reason: `${pulumiRoute}; Terraform route: ${why}` });
            continue;
        }
        try {
            built.push(await buildUpstream(root, provider, sdkVersion, upstream, log));
        } catch (err) {
            unavailable.push({ provider, sdkVersion, failed: true, reason: `${pulumiRoute}; Terraform route: BUILD FAILED: ${oneLine((err as Error).message).slice(0, 800)}` });
        }
    }
    return { built, unavailable };
}
