/**
 * Benchmarks (`npm run bench`): measured figures, printed, never asserted in tests.
 *
 *   npm run bench                 all sections
 *   npm run bench -- --only plan  one section (plan | typecheck | tests | catalog | serving | cost | workloads | scan | verify)
 *
 * Each timing is the median of several cold runs (a fresh process each), measured in this run
 * against the floor `node -e "require('@pulumi/pulumi')"`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { catalogSection } from "./bench-catalog";
import { servingSection } from "./bench-serving";
import { runProgram } from "./harness";
import { costReport, resolvedConfig } from "./plan";

const ROOT = path.resolve(__dirname, "..");

interface Timed {
    seconds: number;
    peakMiB?: number;
    status: number | null;
}

/** Runs a command once; wall time, and peak RSS when GNU time is available. */
export function timeCommand(command: string, args: string[]): Timed {
    const gnuTime = fs.existsSync("/usr/bin/time");
    const started = process.hrtime.bigint();
    const result = gnuTime
        ? spawnSync("/usr/bin/time", ["-f", "__peak_kib=%M", command, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
        : spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const peak = /__peak_kib=(\d+)/.exec(result.stderr ?? "");
    return { seconds, status: result.status, peakMiB: peak ? Number(peak[1]) / 1024 : undefined };
}

/** Median wall time of `runs` cold runs. */
export function median(command: string, args: string[], runs: number): Timed {
    const results = Array.from({ length: runs }, () => timeCommand(command, args));
    results.sort((a, b) => a.seconds - b.seconds);
    return results[Math.floor(results.length / 2)];
}

const fmt = (s: number) => `${s.toFixed(2)} s`;

function planSection(): void {
    const floor = median(process.execPath, ["-e", "require('@pulumi/pulumi')"], 5);
    const plan = median("npm", ["run", "-s", "plan", "--", "--stack", "dev"], 5);
    const planNode = median(process.execPath, ["-r", "./tools/register.js", "tools/plan.ts", "--stack", "dev"], 5);
    console.log("## Offline plan, dev stack (median of 5 cold runs)");
    console.log(`floor  node -e "require('@pulumi/pulumi')"      ${fmt(floor.seconds)}`);
    console.log(`npm run plan -- --stack dev                    ${fmt(plan.seconds)}  = ${(plan.seconds / floor.seconds).toFixed(2)}x floor (target <= 3x)`);
    console.log(`node -r ./tools/register.js tools/plan.ts (no npm) ${fmt(planNode.seconds)}  = ${(planNode.seconds / floor.seconds).toFixed(2)}x floor`);
    if (plan.status !== 0) console.log(`  (plan exited ${plan.status})`);
    console.log("");
}

function typecheckSection(): void {
    const tsc = timeCommand(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", "."]);
    console.log("## Type-check of the whole project (tsc --noEmit, strict)");
    console.log(`time ${fmt(tsc.seconds)} (target <= 20 s), peak memory ${tsc.peakMiB ? `${(tsc.peakMiB / 1024).toFixed(2)} GiB` : "n/a"} (target <= 1.5 GB), exit ${tsc.status}`);
    console.log("");
}

function testsSection(): void {
    const tests = timeCommand("npm", ["test", "--", "--reporter", "dot"]);
    console.log("## npm test");
    console.log(`wall time ${fmt(tests.seconds)} (target <= 60 s), exit ${tests.status}`);
    console.log("");
}

/** The cost estimate alone, on prod's registered resources (the plan and the budget rules each compute it once). */
async function costSection(): Promise<void> {
    const program = await runProgram({ stack: "prod" });
    const config = resolvedConfig(program);
    const times: number[] = [];
    for (let i = 0; i < 51; i++) {
        const started = process.hrtime.bigint();
        costReport(program.resources, config);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log("## Cost estimate, prod stack (in process, median of 51 runs)");
    console.log(`${program.resources.length} resources → ${costReport(program.resources, config).lines.length} lines in ${times[25].toFixed(2)} ms`);
    console.log("");
}

/** The last line of a command's output that matches, for the figures it prints itself. */
function lastLine(output: string, pattern: RegExp): string {
    return output.split("\n").filter((l) => pattern.test(l)).pop() ?? "(not printed)";
}

function run(command: string, args: string[]): { seconds: number; status: number | null; output: string } {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, status: result.status, output: `${result.stdout ?? ""}\n${result.stderr ?? ""}` };
}

function workloadsSection(): void {
    const tests = run("bash", ["tools/workloads.sh"]);
    const throughput = run("bash", ["tools/workloads.sh", "--bench"]);
    console.log("## Workloads on local Spark (npm run test:workloads; the first run on a machine installs PySpark)");
    console.log(`tests ${fmt(tests.seconds)}, ${lastLine(tests.output, /passed, \d+ failed$/)}, exit ${tests.status}`);
    console.log(`pipeline throughput (${fmt(throughput.seconds)}, exit ${throughput.status}):`);
    for (const line of throughput.output.split("\n").filter((l) => /rows\/s|local Spark started/.test(l))) console.log(`  ${line.trim()}`);
    console.log("");
}

function scanSection(): void {
    const scan = run("npm", ["run", "-s", "scan"]);
    console.log("## Checkov over the ARM export (npm run scan; the first run on a machine installs Checkov)");
    console.log(`wall time ${fmt(scan.seconds)}, ${lastLine(scan.output, /passed, \d+ failed$/)}, exit ${scan.status}`);
    console.log("");
}

function verifySection(): void {
    const verify = run("npm", ["run", "-s", "verify"]);
    console.log("## Providers validate the plans (npm run verify; the first run on a machine builds the provider)");
    console.log(`wall time ${fmt(verify.seconds)}: ${lastLine(verify.output, /resources validated by/)}; ${lastLine(verify.output, /passed, \d+ failed$/)}, exit ${verify.status}`);
    console.log("");
}

type Section = { name: string; run: () => void | Promise<void> };

const sections: Section[] = [
    { name: "plan", run: planSection },
    { name: "typecheck", run: typecheckSection },
    { name: "tests", run: testsSection },
    { name: "catalog", run: () => catalogSection(9) },
    { name: "serving", run: servingSection },
    { name: "cost", run: costSection },
    { name: "workloads", run: workloadsSection },
    { name: "scan", run: scanSection },
    { name: "verify", run: verifySection },
];

async function main(): Promise<void> {
    const only = process.argv.indexOf("--only");
    const wanted = only >= 0 ? process.argv[only + 1] : undefined;
    const chosen = sections.filter((s) => !wanted || s.name === wanted);
    if (chosen.length === 0) throw new Error(`unknown section ${wanted} (sections: ${sections.map((s) => s.name).join(", ")})`);
    console.log(`Benchmarks on ${process.platform} node ${process.version}, ${require("os").cpus().length} cores\n`);
    for (const section of chosen) await section.run();
    // The in-process sections leave the Pulumi runtime's handles open; the figures are printed.
    process.exit(0);
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
