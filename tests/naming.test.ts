import { expect } from "chai";
import { DNS_NAMESPACE, platformNames, roleAssignmentName, STORAGE_SUFFIX_LENGTH, uuidV5 } from "../components/naming";
import { COMPUTE_SIZES, sizeProfile, WAREHOUSE_SIZES } from "../components/sizing";

describe("naming", () => {
    it("computes RFC 4122 version-5 UUIDs (published test vector)", () => {
        // uuid v5 of "www.example.com" in the DNS namespace, as Python's uuid.uuid5 and the uuid npm package give it.
        expect(uuidV5("www.example.com", DNS_NAMESPACE)).to.equal("2ed6657d-e927-568b-95e1-2665a8aea6a2");
    });

    it("names role assignments deterministically per scope, principal and role", () => {
        const a = roleAssignmentName("/subscriptions/s/rg/x", "p1", "ba92f5b4-2d11-453d-a403-e96b0029c9fe");
        expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(roleAssignmentName("/subscriptions/S/RG/X", "P1", "BA92F5B4-2D11-453D-A403-E96B0029C9FE")).to.equal(a);
        expect(roleAssignmentName("/subscriptions/s/rg/x", "p2", "ba92f5b4-2d11-453d-a403-e96b0029c9fe")).to.not.equal(a);
    });

    it("keeps storage account names within Azure's rules for any stack name", () => {
        for (const stack of ["dev", "prod", "feature-branch-with-a-very-long-name", "Review_42"]) {
            for (const prefix of ["lh", "lakehouse", "abcdefghij"]) {
                const stem = platformNames(prefix, stack).storageAccountStem;
                expect(`${stem}${"x".repeat(STORAGE_SUFFIX_LENGTH)}`).to.match(/^[a-z0-9]{3,24}$/);
            }
        }
    });

    it("derives every name from the prefix and the stack, the same on every run", () => {
        const names = platformNames("lakehouse", "dev");
        expect(names).to.deep.equal(platformNames("lakehouse", "dev"));
        expect(names.resourceGroup).to.equal("rg-lakehouse-dev");
        expect(names.workspace).to.equal("dbw-lakehouse-dev");
        expect(platformNames("lakehouse", "prod").workspace).to.not.equal(names.workspace);
    });
});

describe("sizing profiles", () => {
    it("grows every size monotonically from small to large", () => {
        const [s, m, l] = COMPUTE_SIZES.map(sizeProfile);
        const rank = (size: string) => WAREHOUSE_SIZES.indexOf(size as (typeof WAREHOUSE_SIZES)[number]);
        expect(rank(s.warehouse.size)).to.be.below(rank(m.warehouse.size));
        expect(rank(m.warehouse.size)).to.be.below(rank(l.warehouse.size));
        expect(s.cluster.maxWorkers).to.be.below(m.cluster.maxWorkers);
        expect(m.cluster.maxWorkers).to.be.below(l.cluster.maxWorkers);
    });

    it("hands out copies, so an override cannot change the profile for others", () => {
        const p = sizeProfile("small");
        p.cluster.maxWorkers = 99;
        expect(sizeProfile("small").cluster.maxWorkers).to.not.equal(99);
    });
});
