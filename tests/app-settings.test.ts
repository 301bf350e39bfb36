/**
 * `lakehouse:app`, pure: names, compute size, endpoint and permissions resolved from config;
 * every bad value rejected with its key, the value and what is allowed.
 */
import { expect } from "chai";
import { resolveConfig } from "../components/config";
import { defaultAppName } from "../components/settings/app";
import { ConfigError } from "../components/settings/validate";
import { configRejection } from "./helpers";
import { rejectedConfig } from "./helpers";

const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };
const resolve = (raw: Record<string, unknown>, stack = "dev") => resolveConfig(raw, "westeurope", { ...context, stack });

const principals = {
    analysts: { group: "Data Analysts" },
    admins: { group: "platform-admins" },
    auditor: { user: "auditor@example.com" },
};

function rejection(raw: Record<string, unknown>): ConfigError {
    return configRejection(() => resolve(raw), raw);
}

/** The one issue of a rejection, asserted to name `key`. */
function issue(raw: Record<string, unknown>, key: string) {
    const err = rejection(raw);
    expect(err.keys, err.message).to.deep.equal([key]);
    return err.issues[0];
}

describe("app settings: defaults", () => {
    it("names the app per stack and sizes it from the compute profile", () => {
        const dev = resolve({}).app;
        expect(dev.name).to.equal("lakehouse-dev-app");
        expect(dev.computeSize).to.equal("MEDIUM");
        expect(resolve({ computeSize: "large" }, "prod").app).to.include({ name: "lakehouse-prod-app", computeSize: "LARGE" });
        expect(resolve({ namePrefix: "kmflow" }, "staging").app.name).to.equal("kmflow-staging-app");
    });

    it("scores against the classifier endpoint and shows the gold table named in config", () => {
        const app = resolve({ serving: { endpoints: { classifier: { name: "pneumonia-ab" } } }, app: { table: "patients" } }).app;
        expect(app.endpointKey).to.equal("classifier");
        expect(app.endpointName).to.equal("pneumonia-ab");
        expect(app.table).to.equal("patients");
    });

    it("keeps the source and the app's secret in per-stack places of their own", () => {
        const app = resolve({}).app;
        expect(app.sourceRoot).to.equal("/lakehouse-dev/apps/lakehouse-dev-app");
        expect(app.secretScope).to.equal("lakehouse-dev-app");
        expect(app.secretScope).to.not.equal(resolve({}).names.secretScope);
    });

    it("cuts a long derived name to the 30 characters Databricks allows, without a trailing dash", () => {
        const name = defaultAppName("lakehouse", "feature-branch-with-a-long-name");
        expect(name.length).to.be.at.most(30);
        expect(name).to.match(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
        expect(resolve({}, "feature-branch-with-a-long-name").app.name).to.equal(name);
    });

    it("grants nobody anything unless config says so", () => {
        expect(resolve({}).app.permissions).to.deep.equal({});
    });
});

describe("app settings: overrides", () => {
    it("takes a compute size override, in either case", () => {
        expect(resolve({ app: { computeSize: "LARGE" } }).app.computeSize).to.equal("LARGE");
        expect(resolve({ app: { computeSize: "large" } }).app.computeSize).to.equal("LARGE");
        expect(resolve({ computeSize: "large", app: { computeSize: "MEDIUM" } }).app.computeSize).to.equal("MEDIUM");
    });

    it("gives users CAN_USE and owners CAN_MANAGE; the permissions map says the same per role", () => {
        const app = resolve({ principals, app: { users: ["analysts"], owners: ["admins"], permissions: { auditor: "CAN_USE" } } }).app;
        expect(app.permissions).to.deep.equal({ analysts: "CAN_USE", admins: "CAN_MANAGE", auditor: "CAN_USE" });
    });

    it("takes a valid name and description as given", () => {
        const app = resolve({ app: { name: "gold-explorer-2", description: "Explore gold" } }).app;
        expect(app).to.include({ name: "gold-explorer-2", description: "Explore gold" });
        expect(app.sourceRoot).to.equal("/lakehouse-dev/apps/gold-explorer-2");
    });

    it("lets a stack switch the app off, even while its endpoint is disabled", () => {
        const app = resolve({ serving: { endpoints: { classifier: { enabled: false } } }, app: { enabled: false } }).app;
        expect(app.enabled).to.equal(false);
        expect(app.waitingForEndpoint).to.equal(undefined);
        expect(resolve({ app: { enabled: "false" } }).app.enabled).to.equal(false);
    });

    it("leaves the app out while its endpoint is disabled (enabled: auto), so serving can wait for the models", () => {
        // The endpoints ship disabled (a first `pulumi up` comes before training), so the app waits.
        expect(resolve({}).app).to.include({ enabled: false, waitingForEndpoint: "classifier" });
        const trained = { serving: { endpoints: { classifier: { enabled: true } } } };
        expect(resolve(trained).app).to.include({ enabled: true }).and.not.have.property("waitingForEndpoint");
        expect(resolve({ ...trained, app: { enabled: true } }).app.enabled).to.equal(true);
    });
});

describe("app settings: bad input is rejected with the key named", () => {
    it("rejects a name with capitals or underscores, saying what a name may hold", () => {
        for (const name of ["Gold-App", "gold_app"]) {
            const found = issue({ app: { name } }, "lakehouse:app.name");
            expect(found.value).to.equal(name);
            expect(found.allowed).to.match(/lower-case letters, digits and dashes/).and.match(/no capitals, no underscores/);
        }
    });

    it("rejects names Databricks refuses: too long, one character, a leading or trailing dash", () => {
        for (const name of ["a".repeat(31), "a", "-gold", "gold-"]) issue({ app: { name } }, "lakehouse:app.name");
        expect(resolve({ app: { name: "a".repeat(30) } }).app.name).to.have.length(30);
    });

    it("rejects a compute size apps do not have and says which are allowed", () => {
        for (const size of ["SMALL", "XLARGE", 2]) {
            expect(issue({ app: { computeSize: size } }, "lakehouse:app.computeSize").allowed).to.match(/MEDIUM \| LARGE/);
        }
    });

    it("rejects a permission level apps do not have", () => {
        for (const level of ["CAN_VIEW", "CAN_QUERY", "IS_OWNER", "can_use"]) {
            const found = issue({ principals, app: { permissions: { analysts: level } } }, "lakehouse:app.permissions.analysts");
            expect(found.allowed).to.match(/CAN_USE \| CAN_MANAGE/);
        }
    });

    it("rejects permissions to a role lakehouse:principals does not declare", () => {
        expect(issue({ principals, app: { users: ["analysts", "marketing"] } }, "lakehouse:app.users[1]").allowed).to.match(/declared in lakehouse:principals/);
        issue({ principals, app: { owners: ["nobody"] } }, "lakehouse:app.owners[0]");
        issue({ principals, app: { permissions: { ghosts: "CAN_USE" } } }, "lakehouse:app.permissions.ghosts");
    });

    it("rejects the platform's own service principals as app users", () => {
        expect(issue({ app: { users: ["pipeline"] } }, "lakehouse:app.users[0]").allowed).to.match(/do not use the app/);
        issue({ app: { owners: ["app"] } }, "lakehouse:app.owners[0]");
    });

    it("rejects one role with two levels", () => {
        const found = issue({ principals, app: { users: ["analysts"], owners: ["analysts"] } }, "lakehouse:app.owners[0]");
        expect(found.allowed).to.match(/already has CAN_USE from lakehouse:app.users\[0\]/);
        issue({ principals, app: { users: ["admins"], permissions: { admins: "CAN_MANAGE" } } }, "lakehouse:app.permissions.admins");
    });

    it("rejects an endpoint key lakehouse:serving does not declare, listing the ones it does", () => {
        expect(issue({ app: { endpoint: "forecaster" } }, "lakehouse:app.endpoint").allowed).to.match(/classifier, feedback/);
    });

    it("rejects an app that must run (enabled: true) against a disabled endpoint, and says how to fix it", () => {
        const found = issue({ serving: { endpoints: { classifier: { enabled: false } } }, app: { enabled: true } }, "lakehouse:app.endpoint");
        expect(found.allowed).to.match(/serving\.endpoints\.classifier\.enabled is false/).and.match(/app\.enabled auto or false/);
        expect(issue({ app: { enabled: "yes" } }, "lakehouse:app.enabled").allowed).to.equal("one of auto | true | false");
    });

    it("rejects unknown fields, a table that is not a Unity Catalog name and a list that is not a list", () => {
        issue({ app: { size: "LARGE" } }, "lakehouse:app.size");
        issue({ app: { table: "Gold Table" } }, "lakehouse:app.table");
        issue({ principals, app: { users: "analysts" } }, "lakehouse:app.users");
    });

    it("rejects bad app config in the program before any resource is registered", async () => {
        const err = await rejectedConfig("dev", "app.name=Gold_App", "app.computeSize=SMALL");
        expect(err.keys).to.have.members(["lakehouse:app.name", "lakehouse:app.computeSize"]);
        expect(err.message).to.contain('lakehouse:app.computeSize = "SMALL"').and.contain("MEDIUM | LARGE");
    });
});
