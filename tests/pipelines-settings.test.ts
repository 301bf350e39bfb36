/**
 * `lakehouse:pipelines`, pure: dev/prod resolution, size overrides, and every bad value rejected
 * with its key; the Quartz cron checker on its own.
 */
import { expect } from "chai";
import { resolveConfig } from "../components/config";
import { quartzProblem } from "../policies/quartz";
import { isTimeZone } from "../components/settings/pipelines";
import { ConfigError } from "../components/settings/validate";
import { configRejection } from "./helpers";

const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };
const resolve = (raw: Record<string, unknown>) => resolveConfig(raw, "westeurope", context);
const prod = { environment: "production", protectData: true };
const team = { principals: { operators: { group: "Data Ops" }, analysts: { group: "Data Analysts" }, bot: { servicePrincipal: "8d23ae77-912e-4a19-81e4-b9c3f5cc9349" } } };

function rejection(raw: Record<string, unknown>): ConfigError {
    return configRejection(() => resolve(raw), raw);
}

describe("pipelines settings: environment-dependent defaults", () => {
    it("puts development stacks in development mode with the schedule paused", () => {
        const p = resolve({}).pipelines;
        expect(p.development).to.equal(true);
        expect(p.schedule.paused).to.equal(true);
        expect(p.mode).to.equal("batch");
    });

    it("runs production stacks in production mode with the schedule live", () => {
        const p = resolve(prod).pipelines;
        expect(p.development).to.equal(false);
        expect(p.schedule.paused).to.equal(false);
    });

    it("lets a stack override auto either way", () => {
        const dev = resolve({ pipelines: { development: false, schedule: { paused: false } } }).pipelines;
        expect([dev.development, dev.schedule.paused]).to.deep.equal([false, false]);
        const prodPaused = resolve({ ...prod, pipelines: { development: "true", schedule: { paused: "true" } } }).pipelines;
        expect([prodPaused.development, prodPaused.schedule.paused]).to.deep.equal([true, true]);
    });

    it("keeps the other schedule fields when only one is set (pulumi config set --path)", () => {
        const p = resolve({ pipelines: { schedule: { timezone: "Europe/Amsterdam" } } }).pipelines;
        expect(p.schedule).to.deep.equal({ cron: "0 0 2 * * ?", timezone: "Europe/Amsterdam", paused: true });
    });
});

describe("pipelines settings: sizes", () => {
    it("takes warehouse and cluster sizes from computeSize", () => {
        const small = resolve({ computeSize: "small" }).pipelines;
        const large = resolve({ computeSize: "large" }).pipelines;
        expect(small.warehouse.size).to.equal("2X-Small");
        expect(large.warehouse.size).to.equal("Medium");
        expect(small.cluster).to.deep.equal({ nodeType: "Standard_D4ds_v5", minWorkers: 1, maxWorkers: 2 });
        expect(large.cluster).to.deep.equal({ nodeType: "Standard_D16ds_v5", minWorkers: 4, maxWorkers: 8 });
    });

    it("applies the warehouse size and node type overrides on top of the profile", () => {
        const p = resolve({ computeSize: "small", pipelines: { warehouse: { size: "Large" }, nodeType: "Standard_D8ds_v5" } }).pipelines;
        expect(p.warehouse.size).to.equal("Large");
        expect(p.warehouse.maxClusters).to.equal(1);
        expect(p.cluster).to.deep.equal({ nodeType: "Standard_D8ds_v5", minWorkers: 1, maxWorkers: 2 });
    });

    it("accepts a node type once the policy allows it", () => {
        const p = resolve({ pipelines: { nodeType: "Standard_E8ds_v5", clusterPolicy: { allowedNodeTypes: ["Standard_D4ds_v5", "Standard_E8ds_v5"] } } }).pipelines;
        expect(p.cluster.nodeType).to.equal("Standard_E8ds_v5");
        expect(p.clusterPolicy.allowedNodeTypes).to.deep.equal(["Standard_D4ds_v5", "Standard_E8ds_v5"]);
    });
});

describe("pipelines settings: permissions", () => {
    it("keeps declared roles for run and view", () => {
        const p = resolve({ ...team, pipelines: { permissions: { run: ["operators", "bot"], view: ["analysts"] } } }).pipelines;
        expect(p.permissions).to.deep.equal({ run: ["operators", "bot"], view: ["analysts"] });
    });
});

describe("pipelines settings: bad values are rejected with the key named", () => {
    const cases: { title: string; raw: Record<string, unknown>; key: string; says: RegExp }[] = [
        { title: "an unknown mode", raw: { pipelines: { mode: "streaming" } }, key: "lakehouse:pipelines.mode", says: /batch \| stream/ },
        { title: "a five-field (Unix) cron", raw: { pipelines: { schedule: { cron: "0 2 * * *" } } }, key: "lakehouse:pipelines.schedule.cron", says: /5 fields, not 6 or 7/ },
        { title: "a cron with both day fields set", raw: { pipelines: { schedule: { cron: "0 0 2 * * *" } } }, key: "lakehouse:pipelines.schedule.cron", says: /one of them must be \?/ },
        { title: "a cron hour out of range", raw: { pipelines: { schedule: { cron: "0 0 25 * * ?" } } }, key: "lakehouse:pipelines.schedule.cron", says: /hours value 25 is outside 0-23/ },
        { title: "a cron with an unknown month name", raw: { pipelines: { schedule: { cron: "0 0 2 ? JAM MON" } } }, key: "lakehouse:pipelines.schedule.cron", says: /month value "JAM"/ },
        { title: "an invalid timezone", raw: { pipelines: { schedule: { timezone: "Mars/Olympus_Mons" } } }, key: "lakehouse:pipelines.schedule.timezone", says: /IANA time zone/ },
        { title: "a UTC offset instead of a zone id", raw: { pipelines: { schedule: { timezone: "+01:00" } } }, key: "lakehouse:pipelines.schedule.timezone", says: /IANA time zone/ },
        { title: "paused that is not auto/true/false", raw: { pipelines: { schedule: { paused: "sometimes" } } }, key: "lakehouse:pipelines.schedule.paused", says: /auto .*true or false/ },
        { title: "a notification address that is not an e-mail", raw: { pipelines: { notifications: { onFailure: ["oncall"] } } }, key: "lakehouse:pipelines.notifications.onFailure[0]", says: /e-mail address/ },
        { title: "a node type the policy does not allow", raw: { pipelines: { nodeType: "Standard_NC24ads_A100_v4" } }, key: "lakehouse:pipelines.nodeType", says: /cluster policy allows \(Standard_D4ds_v5/ },
        { title: "a node type that is no VM size", raw: { pipelines: { nodeType: "big" } }, key: "lakehouse:pipelines.nodeType", says: /Azure VM size/ },
        { title: "an empty node type allow-list", raw: { pipelines: { clusterPolicy: { allowedNodeTypes: [] } } }, key: "lakehouse:pipelines.clusterPolicy.allowedNodeTypes", says: /at least one/ },
        { title: "a warehouse size that does not exist", raw: { pipelines: { warehouse: { size: "Huge" } } }, key: "lakehouse:pipelines.warehouse.size", says: /2X-Small \| X-Small/ },
        { title: "auto-stop off (0) or too short", raw: { pipelines: { warehouse: { autoStopMinutes: 0 } } }, key: "lakehouse:pipelines.warehouse.autoStopMinutes", says: /10 to 1440/ },
        { title: "auto-termination above the cap range", raw: { pipelines: { clusterPolicy: { autoTerminationMinutes: 1000 } } }, key: "lakehouse:pipelines.clusterPolicy.autoTerminationMinutes", says: /10 to 240/ },
        { title: "an undeclared role", raw: { pipelines: { permissions: { run: ["interns"] } } }, key: "lakehouse:pipelines.permissions.run[0]", says: /declared in lakehouse:principals/ },
        { title: "the pipeline role (it is implicit)", raw: { pipelines: { permissions: { view: ["pipeline"] } } }, key: "lakehouse:pipelines.permissions.view[0]", says: /already owns the job/ },
        { title: "the app role (it uses its own warehouse resource)", raw: { pipelines: { permissions: { run: ["app"] } } }, key: "lakehouse:pipelines.permissions.run[0]", says: /sql_warehouse resource/ },
        { title: "a role both in run and view", raw: { ...team, pipelines: { permissions: { run: ["operators"], view: ["operators"] } } }, key: "lakehouse:pipelines.permissions.view", says: /run includes view/ },
        { title: "a typo in a field name", raw: { pipelines: { schedul: { cron: "0 0 2 * * ?" } } }, key: "lakehouse:pipelines.schedul", says: /known field/ },
        { title: "a non-boolean serverless", raw: { pipelines: { serverless: "yes" } }, key: "lakehouse:pipelines.serverless", says: /true or false/ },
    ];
    for (const c of cases) {
        it(`rejects ${c.title} (${c.key})`, () => {
            const err = rejection(c.raw);
            expect(err.keys).to.include(c.key);
            expect(err.message).to.match(c.says);
        });
    }

    it("names the bad value in the message", () => {
        expect(rejection({ pipelines: { mode: "streaming" } }).message).to.contain('"streaming"');
    });
});

describe("Quartz cron expressions", () => {
    const valid = [
        "0 0 2 * * ?",
        "0 15 10 ? * MON-FRI",
        "0 0/5 14,18 * * ?",
        "0 0 12 1/5 * ?",
        "0 11 11 11 11 ?",
        "0 15 10 L * ?",
        "0 15 10 L-2 * ?",
        "0 15 10 15W * ?",
        "0 15 10 ? * 6L",
        "0 15 10 ? * 6#3",
        "0 15 10 ? * FRI#1",
        "0 0 2 ? JAN,JUL SUN",
        "0 0 2 * * ? 2027",
        "0 0 2 * * ? 2026-2030",
        "*/30 * * * * ?",
    ];
    for (const expression of valid) {
        it(`accepts ${expression}`, () => expect(quartzProblem(expression)).to.equal(undefined));
    }

    const invalid: [string, RegExp][] = [
        ["", /0 fields/],
        ["0 0 2 * *", /5 fields/],
        ["0 0 2 * * ? 2027 x", /8 fields/],
        ["60 0 2 * * ?", /seconds value 60/],
        ["0 60 2 * * ?", /minutes value 60/],
        ["0 0 2 32 * ?", /day-of-month value 32/],
        ["0 0 2 0 * ?", /day-of-month value 0/],
        ["0 0 2 ? 13 MON", /month value 13/],
        ["0 0 2 ? * 8", /day-of-week value 8/],
        ["0 0 2 ? * FUN", /day-of-week value "FUN"/],
        ["0 0 2 ? * 6#6", /week number must be 1-5/],
        ["? 0 2 * * ?", /only allowed in day-of-month or day-of-week/],
        ["0 0 2 ? * ?", /both day-of-month and day-of-week are \?/],
        ["0 0 2 1 * MON", /one of them must be \?/],
        ["0 0/0 2 * * ?", /step "0" is not a positive integer/],
        ["0 */90 2 * * ?", /step 90 is larger/],
        ["0 30-10 2 * * ?", /runs backwards/],
        ["0 1-2-3 2 * * ?", /more than one -/],
        ["0 0 2 * * ? 1800", /year value 1800/],
        ["0 0 2 L-40 * ?", /more than L-30/],
        ["0 0 2 ,1 * ?", /empty value/],
    ];
    for (const [expression, says] of invalid) {
        it(`rejects "${expression}"`, () => expect(quartzProblem(expression)).to.match(says));
    }
});

describe("time zones", () => {
    it("accepts IANA ids and UTC, and rejects offsets, lower case and unknown zones", () => {
        for (const zone of ["UTC", "Europe/Amsterdam", "America/Argentina/Buenos_Aires", "Etc/GMT+1"]) expect(isTimeZone(zone), zone).to.equal(true);
        for (const zone of ["+01:00", "europe/amsterdam", "Mars/Olympus_Mons", "", "CEST 2"]) expect(isTimeZone(zone), zone).to.equal(false);
    });
});
