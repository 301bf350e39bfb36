/**
 * Checkov, pinned (tools/scanner/requirements.txt), in a virtual environment of its own under the
 * ignored `.cache/scanner/` folder, keyed by the requirements file's hash: the first `npm run scan`
 * on a machine installs it (python3 -m venv + pip), later runs reuse it, and editing the
 * requirements file installs a fresh one (older ones are removed). A fresh CI machine needs only
 * python3 with the venv module and PyPI.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const REQUIREMENTS = path.join(ROOT, "tools", "scanner", "requirements.txt");
const RULES_SCRIPT = path.join(ROOT, "tools", "scanner", "checkov_rules.py");

/** Where the virtual environments live: `$LAKEHOUSE_SCANNER_CACHE`, else `.cache/scanner` in the repository. */
export function cacheDir(): string {
    return process.env.LAKEHOUSE_SCANNER_CACHE ?? path.join(ROOT, ".cache", "scanner");
}

/** The pinned Checkov version (the `checkov==` line of the requirements file). */
export function pinnedVersion(requirements = fs.readFileSync(REQUIREMENTS, "utf8")): string {
    const m = /^checkov==([^\s#]+)/m.exec(requirements);
    if (!m) throw new Error(`${path.relative(ROOT, REQUIREMENTS)} pins no checkov==<version>`);
    return m[1];
}

export interface CheckovInstall {
    venv: string;
    /** The venv's interpreter; Checkov runs as `python -m checkov.main` (the venv's scripts name the path it was built at). */
    python: string;
    version: string;
    /** True when this call installed it (a cold run). */
    installed: boolean;
}

function run(command: string, args: string[], what: string, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
    const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options });
    if (result.error) throw new Error(`${what}: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${(result.stderr || result.stdout).trim().split("\n").slice(-20).join("\n")}`);
    return result.stdout;
}

/** A python3 of at least 3.9 (Checkov 3 needs it): `$PYTHON`, else python3. */
function findPython(): string {
    const candidates = [process.env.PYTHON, "python3"].filter((c): c is string => !!c);
    for (const candidate of candidates) {
        const r = spawnSync(candidate, ["-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
        if (r.status === 0) {
            const [major, minor] = r.stdout.trim().split(".").map(Number);
            if (major === 3 && minor >= 9) return candidate;
        }
    }
    throw new Error("npm run scan needs python3 (3.9 or later, with the venv module) to install Checkov");
}

/** Installs the pinned Checkov once per requirements hash; returns where it is. */
export function ensureCheckov(log: (line: string) => void = () => undefined): CheckovInstall {
    const requirements = fs.readFileSync(REQUIREMENTS, "utf8");
    const hash = crypto.createHash("sha256").update(requirements).digest("hex").slice(0, 16);
    const version = pinnedVersion(requirements);
    const base = cacheDir();
    const venv = path.join(base, `checkov-${hash}`);
    const marker = path.join(venv, ".installed");
    const result = (installed: boolean): CheckovInstall => ({ venv, python: path.join(venv, "bin", "python"), version, installed });
    if (fs.existsSync(marker)) return result(false);

    fs.mkdirSync(base, { recursive: true });
    const staging = `${venv}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    log(`installing checkov ${version} into ${path.relative(ROOT, venv)} (once per ${path.relative(ROOT, REQUIREMENTS)} content)`);
    const python = findPython();
    run(python, ["-m", "venv", staging], "python3 -m venv");
    run(path.join(staging, "bin", "python"), ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "-r", REQUIREMENTS], "pip install -r tools/scanner/requirements.txt");
    fs.writeFileSync(path.join(staging, ".installed"), `${hash}\n`);
    // Built aside and moved into place whole, so a half-installed venv is never used: a concurrent
    // install that got there first wins and this one is dropped. (The move leaves the scripts'
    // shebangs naming the staging path; everything here runs `python -m` instead.)
    try {
        fs.renameSync(staging, venv);
    } catch {
        fs.rmSync(staging, { recursive: true, force: true });
        if (!fs.existsSync(marker)) throw new Error(`could not move the new virtual environment to ${venv}`);
    }
    // Venvs of earlier requirements files are not needed any more.
    for (const entry of fs.readdirSync(base)) {
        if (entry.startsWith("checkov-") && entry !== path.basename(venv) && !entry.includes(".tmp-")) fs.rmSync(path.join(base, entry), { recursive: true, force: true });
    }
    return result(true);
}

/** One check result as Checkov's JSON report gives it (the fields the scan reads). */
export interface CheckovResult {
    check_id: string;
    check_name: string;
    resource: string;
    file_path: string;
    file_abs_path?: string;
}

export interface CheckovReport {
    passed: CheckovResult[];
    failed: CheckovResult[];
    skipped: CheckovResult[];
    parsingErrors: string[];
    resourceCount: number;
    version: string;
}

/** Runs Checkov's `arm` framework over every template under `dir` (offline: no download from any platform). */
export function runCheckov(install: CheckovInstall, dir: string): CheckovReport {
    const result = spawnSync(
        install.python,
        ["-m", "checkov.main", "--directory", dir, "--framework", "arm", "--output", "json", "--compact", "--skip-download"],
        {
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
            // Offline and quiet: no check for a newer Checkov on PyPI (its banner asks at import), no platform mapping.
            env: { ...process.env, LOG_LEVEL: "ERROR", CKV_SKIP_PACKAGE_UPDATE_CHECK: "true", BC_SKIP_MAPPING: "TRUE" },
        },
    );
    if (result.error) throw new Error(`checkov: ${result.error.message}`);
    // Exit 1 means "some check failed"; anything else without a report is a crash.
    let parsed: any;
    try {
        parsed = JSON.parse(result.stdout);
    } catch {
        throw new Error(`checkov printed no JSON report (exit ${result.status}):\n${(result.stderr || result.stdout).trim().split("\n").slice(-20).join("\n")}`);
    }
    const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
    const arm = reports.find((r) => r.check_type === "arm");
    if (!arm) {
        // Checkov prints a bare summary when it found nothing to scan.
        return { passed: [], failed: [], skipped: [], parsingErrors: [], resourceCount: 0, version: String(parsed?.checkov_version ?? install.version) };
    }
    return {
        passed: arm.results.passed_checks ?? [],
        failed: arm.results.failed_checks ?? [],
        skipped: arm.results.skipped_checks ?? [],
        parsingErrors: arm.results.parsing_errors ?? [],
        resourceCount: arm.summary?.resource_count ?? 0,
        version: String(arm.summary?.checkov_version ?? install.version),
    };
}

/** A rule as the coverage catalog records it. */
export interface CatalogRule {
    id: string;
    framework: "arm" | "terraform";
    kind: "resource" | "graph" | "parameter";
    name: string;
    resourceTypes: string[];
}

/** The Azure rules of the installed Checkov (tools/scanner/checkov_rules.py). */
export function checkovRules(install: CheckovInstall): { tool: "checkov"; version: string; rules: CatalogRule[] } {
    return JSON.parse(run(install.python, [RULES_SCRIPT], "tools/scanner/checkov_rules.py"));
}
