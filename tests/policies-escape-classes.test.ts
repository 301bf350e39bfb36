/**
 * Issue 14, classes a–g: kinds of change that used to put a broad grant or an insecure setting
 * into the plan with exit 0. Each class has a `describe` of its own with cases beyond the issue's
 * example; `docs/policies-escape-classes.md` explains the rule each one now enforces.
 */
import { expect } from "chai";
import { ucBroadGroupsDiscoveryOnly, ucNoRiskyPrivileges, ucOneAuthorityPerSecurable, ucLeastPrivilegeAllowance } from "../policies/rules/grants";
import { permissionsManageAdminsOnly, permissionsNoBroadManage, secretAclNoBroadGroups } from "../policies/rules/databricks-access";
import { normalizePrincipal, samePrincipal } from "../policies/rules/principals";
import { ANALYSTS, PIPELINE_APP_ID, T, grants, pipelineSp, res, violationsOf } from "./policy-fixtures";

const messages = async (...args: Parameters<typeof violationsOf>) => (await violationsOf(...args)).map((v) => v.message);

describe("escape class e: principal names are compared in one normalised form", () => {
    it("normalises whitespace and invisible characters at either end, case and Unicode composition, and nothing else", () => {
        expect(normalizePrincipal("account users ")).to.equal("account users");
        expect(normalizePrincipal("\u00a0Account Users\u200b")).to.equal("account users");
        expect(normalizePrincipal("\ufeffUSERS\t")).to.equal("users");
        expect(normalizePrincipal("E\u0301quipe-Admins")).to.equal("\u00e9quipe-admins");
        expect(normalizePrincipal("account  users"), "inner spaces name another group").to.equal("account  users");
        expect(samePrincipal("11111111-1111-4111-8111-111111111111", " 11111111-1111-4111-8111-111111111111 ".toUpperCase())).to.equal(true);
        expect(samePrincipal("data-analysts", "data_analysts")).to.equal(false);
    });

    it('recognises "account users " (trailing space) as the everyone-group: the issue\'s example', async () => {
        const found = await messages(ucBroadGroupsDiscoveryOnly, [grants({ schema: "lake.gold" }, [["account users ", ["USE_SCHEMA", "SELECT"]]])]);
        expect(found).to.deep.equal(['"account users " is granted schema lake.gold with SELECT; everyone-groups get at most USE_CATALOG, USE_SCHEMA, BROWSE.']);
    });

    it("recognises everyone-groups in another case, with a no-break space or a zero-width character", async () => {
        for (const name of ["Account Users", "\u00a0users", "users\u200b", "USERS"]) {
            expect(await messages(ucBroadGroupsDiscoveryOnly, [res(T.grant, { catalog: "lake", principal: name, privileges: ["SELECT"] })]), JSON.stringify(name)).to.have.length(1);
        }
    });

    it("recognises everyone-groups in workspace ACLs and secret ACLs the same way", async () => {
        expect(await messages(permissionsNoBroadManage, [res(T.permissions, { servingEndpointId: "e", accessControls: [{ groupName: " Users", permissionLevel: "CAN_MANAGE" }] })])).to.have.length(1);
        expect(await messages(secretAclNoBroadGroups, [res(T.secretAcl, { scope: "s", principal: "Account Users\u2060", permission: "READ" })])).to.have.length(1);
    });

    it("matches allow-lists whatever the spelling of the name in the resource or the config", async () => {
        const decomposed = "E\u0301quipe-Admins";
        const composed = "\u00e9quipe-admins ";
        expect(await messages(ucNoRiskyPrivileges, [grants({ catalog: "lake" }, [[decomposed, ["MANAGE"]]])], { admins: [composed] })).to.deep.equal([]);
        expect(await messages(ucNoRiskyPrivileges, [pipelineSp(), grants({ catalog: "lake" }, [[PIPELINE_APP_ID.toUpperCase(), ["MANAGE"]]])], { admins: [" Role:Pipeline "] })).to.deep.equal([]);
    });

    it("treats two spellings of one principal as one principal (two Grant resources overwrite each other)", async () => {
        const found = await messages(ucOneAuthorityPerSecurable, [
            res(T.grant, { catalog: "lake", principal: ANALYSTS, privileges: ["USE_CATALOG"] }, { name: "g1" }),
            res(T.grant, { catalog: "lake", principal: " Data-Analysts", privileges: ["BROWSE"] }, { name: "g2" }),
        ]);
        expect(found).to.have.length(1);
    });

    it("reads permission levels in any case, so a lower-case CAN_MANAGE is still a manage level", async () => {
        const found = await messages(permissionsManageAdminsOnly, [res(T.permissions, { sqlEndpointId: "w", accessControls: [{ groupName: ANALYSTS, permissionLevel: "can_manage" }] })]);
        expect(found).to.deep.equal(['gives CAN_MANAGE on its sqlWarehouse to "data-analysts", not an allow-listed admin (config "admins": none).']);
    });

    it("applies an allowance named with another spelling of the principal", async () => {
        const resources = [grants({ schema: "lake.silver" }, [["Data-Engineers ", ["USE_SCHEMA", "MODIFY"]]])];
        expect(await messages(ucLeastPrivilegeAllowance, resources, { allowances: { "data-engineers": { schema: ["USE_SCHEMA", "MODIFY"], table: ["MODIFY"] } } })).to.deep.equal([]);
    });
});
