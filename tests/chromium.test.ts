import { expect } from "chai";
import * as fs from "fs";
import { SYSTEM_CHROMIUM, chromiumExecutable } from "./chromium";

describe("browser tests: which Chromium they drive", () => {
    it("takes CHROMIUM_PATH first, and refuses one that does not exist instead of falling back", async () => {
        expect(await chromiumExecutable({ CHROMIUM_PATH: process.execPath })).to.deep.equal({ path: process.execPath, source: "CHROMIUM_PATH" });
        let error: Error | undefined;
        await chromiumExecutable({ CHROMIUM_PATH: "/nonexistent/chromium" }).catch((e: Error) => (error = e));
        expect(error?.message).to.contain("CHROMIUM_PATH=/nonexistent/chromium does not exist");
    });

    it("without CHROMIUM_PATH, finds an executable Chromium with nothing but npm ci (the packaged build when the system has none)", async function () {
        this.timeout(60_000);
        const found = await chromiumExecutable({});
        expect(found.source).to.equal(fs.existsSync(SYSTEM_CHROMIUM) ? "system" : "@sparticuz/chromium");
        fs.accessSync(found.path, fs.constants.X_OK);
    });
});
