/**
 * Config validation, pure: every bad value is rejected with the key named, the value and what is
 * allowed; good values resolve to the typed object the components use.
 */
import { expect } from "chai";
import { resolveConfig, CONFIG_KEYS } from "../components/config";
import { rotationWindow, ROTATION_GRACE_DAYS } from "../components/settings/platform";
import { ConfigError } from "../components/settings/validate";
import { configRejection } from "./helpers";

const context = { project: "lakehouse", stack: "dev", now: new Date("2026-11-22T10:00:00Z") };
const resolve = (raw: Record<string, unknown>, ...location: unknown[]) =>
    resolveConfig(raw, location.length > 0 ? location[0] : "westeurope", context);

function rejection(raw: Record<string, unknown>, ...location: unknown[]): ConfigError {
    return configRejection(() => resolve(raw, ...location), raw);
}

describe("config: defaults and resolution", () => {
    it("resolves an empty stack to the documented defaults", () => {
        const config = resolve({});
        expect(config.environment).to.equal("development");
        expect(config.production).to.equal(false);
        expect(config.protectData).to.equal(false);
        expect(config.computeSize).to.equal("small");
        expect(config.catalog.name).to.equal("lakehouse");
        expect(config.catalog.schemas).to.deep.equal({ bronze: "lakehouse_bronze", silver: "lakehouse_silver", gold: "lakehouse_gold" });
        expect(config.network.workspacePublicNetworkAccess).to.equal("Enabled");
        expect(config.secretRotation.rotationDays).to.equal(90);
    });

    it("derives the medallion schemas from lakehouse:schema and lakehouse:layers", () => {
        const config = resolve({ schema: "evidence", layers: ["bronze", "silver", "gold", "platinum"] });
        expect(config.catalog.schemas).to.deep.equal({
            bronze: "evidence_bronze",
            silver: "evidence_silver",
            gold: "evidence_gold",
            platinum: "evidence_platinum",
        });
    });

    it("always sets the standard tags and keeps user tags", () => {
        const config = resolve({ tags: { "cost-center": "data", owner: "platform" } });
        expect(config.tags).to.deep.equal({
            "cost-center": "data",
            owner: "platform",
            project: "lakehouse",
            stack: "dev",
            environment: "development",
            "managed-by": "pulumi",
        });
    });

    it("is frozen: a component cannot change the config others read", () => {
        const config = resolve({});
        expect(Object.isFrozen(config)).to.equal(true);
        expect(Object.isFrozen(config.catalog.schemas)).to.equal(true);
        expect(() => {
            "use strict";
            (config as any).catalog.name = "other";
        }).to.throw(TypeError);
        expect(config.catalog.name).to.equal("lakehouse");
    });

    it("accepts integers given as strings, as `pulumi config set` without --path stores them", () => {
        expect(resolve({ secretRotationDays: "30" }).secretRotation.rotationDays).to.equal(30);
        expect(resolve({ protectData: "true", environment: "production" }).protectData).to.equal(true);
    });

    it("sizes everything from computeSize", () => {
        expect(resolve({ computeSize: "small" }).sizes.serving.workloadSize).to.equal("Small");
        expect(resolve({ computeSize: "large" }).sizes.serving.workloadSize).to.equal("Large");
        expect(resolve({ computeSize: "large" }).sizes.app.computeSize).to.equal("LARGE");
    });
});

describe("config: bad values are rejected with the key, the value and what is allowed", () => {
    const cases: { title: string; raw: Record<string, unknown>; key: string; says: RegExp; location?: unknown }[] = [
        { title: "unknown compute size", raw: { computeSize: "huge" }, key: "lakehouse:computeSize", says: /small \| medium \| large/ },
        { title: "a nested key set at the top level", raw: { posture: "private" }, key: "lakehouse:posture", says: /did you mean lakehouse:network\.posture \(pulumi config set --path network\.posture …\)\?/ },
        { title: "unknown environment", raw: { environment: "staging" }, key: "lakehouse:environment", says: /development \| production/ },
        { title: "production without data protection", raw: { environment: "production", protectData: false }, key: "lakehouse:protectData", says: /true when lakehouse:environment is production/ },
        { title: "name prefix Azure storage would reject", raw: { namePrefix: "Lake-House" }, key: "lakehouse:namePrefix", says: /lower-case letters and digits/ },
        { title: "name prefix too long for a storage account", raw: { namePrefix: "lakehouseplatform" }, key: "lakehouse:namePrefix", says: /2-10/ },
        { title: "catalog name Unity Catalog would reject", raw: { catalog: "my-catalog" }, key: "lakehouse:catalog", says: /Unity Catalog name/ },
        { title: "schema name with upper case", raw: { schema: "Evidence" }, key: "lakehouse:schema", says: /lower-case/ },
        { title: "layers without gold", raw: { layers: ["bronze", "silver"] }, key: "lakehouse:layers", says: /"gold"/ },
        { title: "duplicate layer", raw: { layers: ["bronze", "gold", "gold"] }, key: "lakehouse:layers[2]", says: /no duplicates/ },
        { title: "traffic not adding up to 100", raw: { serving: { traffic: { champion: 70, challenger: 50 } } }, key: "lakehouse:serving.traffic", says: /add up to 120/ },
        { title: "negative percentage", raw: { serving: { traffic: { champion: 110, challenger: -10 } } }, key: "lakehouse:serving.traffic.challenger", says: /integer from 0 to 100/ },
        { title: "fractional percentage", raw: { serving: { traffic: { champion: 50.5, challenger: 49.5 } } }, key: "lakehouse:serving.traffic.champion", says: /integer/ },
        { title: "route to a missing entity", raw: { serving: { traffic: { champion: 50, canary: 50 } } }, key: "lakehouse:serving.traffic.canary", says: /one of the endpoint's entities/ },
        { title: "rotation period out of range", raw: { secretRotationDays: 1000 }, key: "lakehouse:secretRotationDays", says: /7 to 365/ },
        { title: "storage SKU that does not exist", raw: { storage: { sku: "Premium_LRS_X" } }, key: "lakehouse:storage.sku", says: /Standard_GZRS/ },
        { title: "storage firewall entry that is not a CIDR", raw: { network: { storageAllowedIpRanges: ["10.0.0.0/33"] } }, key: "lakehouse:network.storageAllowedIpRanges[0]", says: /CIDR/ },
        { title: "the retired public-access switch", raw: { network: { workspacePublicNetworkAccess: "Disabled" } }, key: "lakehouse:network.workspacePublicNetworkAccess", says: /replaced by network.posture/ },
        { title: "an NCC without an account id", raw: { network: { serverlessAccess: "ncc" } }, key: "lakehouse:network.serverlessAccess", says: /network.databricksAccountId/ },
        { title: "an existing VNet without its subnets", raw: { network: { virtualNetwork: { id: "/subscriptions/s/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/spoke" } } }, key: "lakehouse:network.virtualNetwork.hostSubnet", says: /host, container and private-endpoint subnets/ },
        { title: "an address space too small for the clusters", raw: { network: { addressSpace: "10.1.0.0/24", clusterNodes: 200 } }, key: "lakehouse:network.addressSpace", says: /a \/22 or larger/ },
        { title: "a private range in the storage firewall's public IP rules", raw: { network: { storageAllowedIpRanges: ["203.0.113.0/24", "10.20.0.0/16"] } }, key: "lakehouse:network.storageAllowedIpRanges[1]", says: /covers 10\.0\.0\.0\/8 \(private \(RFC 1918\)\)/ },
        { title: "a range that swallows the private ones", raw: { network: { storageAllowedIpRanges: ["0.0.0.0/8"] } }, key: "lakehouse:network.storageAllowedIpRanges[0]", says: /this network/ },
        { title: "a CGNAT range in the storage firewall", raw: { network: { storageAllowedIpRanges: ["100.100.0.0/16"] } }, key: "lakehouse:network.storageAllowedIpRanges[0]", says: /CGNAT/ },
        { title: "typo in a nested field", raw: { serving: { trafic: { champion: 100 } } }, key: "lakehouse:serving.trafic", says: /known field/ },
        { title: "unknown top-level key", raw: { catalgo: "x" }, key: "lakehouse:catalgo", says: /known key/ },
        { title: "reserved tag", raw: { tags: { stack: "other" } }, key: "lakehouse:tags.stack", says: /tag other than/ },
        { title: "missing location", raw: {}, location: undefined, key: "azure-native:location", says: /pulumi config set azure-native:location/ },
        { title: "location that is not a region name", raw: {}, location: "West Europe", key: "azure-native:location", says: /Azure region/ },
        { title: "principal with two kinds", raw: { principals: { analysts: { group: "a", user: "b@c.io" } } }, key: "lakehouse:principals.analysts", says: /exactly one of/ },
        { title: "principal overriding a platform role", raw: { principals: { pipeline: { group: "x" } } }, key: "lakehouse:principals.pipeline", says: /platform's own/ },
    ];
    for (const c of cases) {
        it(`rejects ${c.title} (${c.key})`, () => {
            const err = "location" in c ? rejection(c.raw, c.location) : rejection(c.raw);
            expect(err.keys).to.include(c.key);
            expect(err.message).to.match(c.says);
            expect(err.message).to.contain(c.key);
        });
    }

    it("reports every problem at once, not just the first", () => {
        const err = rejection({ computeSize: "huge", catalog: "Bad-Name", secretRotationDays: 0 });
        expect(err.keys).to.have.members(["lakehouse:computeSize", "lakehouse:catalog", "lakehouse:secretRotationDays"]);
    });

    it("shows the bad value in the message", () => {
        expect(rejection({ computeSize: "huge" }).message).to.contain('"huge"');
    });

    it("knows every key it reads", () => {
        expect(CONFIG_KEYS).to.include.members(["catalog", "schema", "computeSize", "serving", "protectData", "tags", "network", "secretRotationDays"]);
    });
});

describe("config: secret rotation windows", () => {
    it("keeps the same window (so no drift) for every run inside a period", () => {
        const a = rotationWindow(new Date("2026-11-22T00:00:00Z"), 90);
        const b = rotationWindow(new Date("2026-11-23T12:00:00Z"), 90);
        expect(a).to.deep.equal(b);
    });

    it("starts a new window, and so a new password, when the period is over", () => {
        const first = rotationWindow(new Date("2026-11-22T00:00:00Z"), 30);
        const later = rotationWindow(new Date(Date.parse(first.windowStart) + 31 * 86_400_000), 30);
        expect(later.windowStart).to.not.equal(first.windowStart);
        expect(Date.parse(later.windowStart) - Date.parse(first.windowStart)).to.equal(30 * 86_400_000);
    });

    it("lets the password outlive its window by the grace period only", () => {
        const w = rotationWindow(new Date("2026-11-22T00:00:00Z"), 60);
        const lifetimeDays = (Date.parse(w.endDate) - Date.parse(w.windowStart)) / 86_400_000;
        expect(lifetimeDays).to.equal(60 + ROTATION_GRACE_DAYS);
        expect(Date.parse(w.windowStart)).to.be.at.most(Date.parse("2026-11-22T00:00:00Z"));
    });
});
