/**
 * The data app's page as a user sees it, in headless Chromium driven by playwright-core: the app
 * runs on 127.0.0.1 with a fake warehouse and a fake serving endpoint, the user reads the gold
 * rows, edits the record, presses Score and reads the score.
 *
 * The Chromium comes from `npm ci` (tests/chromium.ts: CHROMIUM_PATH, else a system Chromium, else
 * the one packed in @sparticuz/chromium), so no system package is needed.
 */
import { expect } from "chai";
import * as fs from "fs";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, Page } from "playwright-core";
import { Row, Score, Scorer, Warehouse } from "../workloads/app/src/clients";
import { startServer } from "../workloads/app/src/server";
import { HEADLESS_FLAGS, chromiumExecutable } from "./chromium";

const ROWS: Row[] = [
    { patient_id: "p-001", age: 63, opacity_score: 0.82 },
    { patient_id: "p-002", age: 41, opacity_score: 0.11 },
    { patient_id: "p-003", age: 57, opacity_score: 0.47 },
];

describe("data app page in Chromium", function () {
    this.timeout(60_000);
    let browser: BrowserContext;
    let page: Page;
    let baseUrl: string;
    let closeServer: () => Promise<void>;
    let profile: string;
    const scored: Row[] = [];

    before(async () => {
        const chromiumPath = (await chromiumExecutable()).path;
        const warehouse: Warehouse = { query: async () => ROWS };
        const scorer: Scorer = {
            score: async (record: Row): Promise<Score> => {
                scored.push(record);
                return { prediction: Number(record.opacity_score) > 0.5 ? 0.91 : 0.08 };
            },
        };
        const server = await startServer(
            { warehouse, scorer, catalog: "lakehouse_dev", schema: "lakehouse_gold", table: "features", endpoint: "lakehouse-classifier", formSigningKey: "page-test-key", log: () => {} },
            0,
            "127.0.0.1",
        );
        baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        closeServer = () => new Promise((r) => server.close(() => r()));

        profile = fs.mkdtempSync(path.join(os.tmpdir(), "app-chromium-"));
        const { chromium } = await import("playwright-core");
        // A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
        browser = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: HEADLESS_FLAGS, headless: true });
        page = await browser.newPage();
    });

    after(async () => {
        await browser?.close();
        await closeServer?.();
        if (profile) fs.rmSync(profile, { recursive: true, force: true });
    });

    it("shows the gold table's rows with their column headings", async () => {
        await page.goto(`${baseUrl}/`);
        expect(await page.locator("h1").innerText()).to.equal("Gold layer: lakehouse_dev.lakehouse_gold.features");
        expect(await page.locator("#gold-rows thead th").allInnerTexts()).to.deep.equal(["patient_id", "age", "opacity_score"]);
        const rows: string[][] = [];
        for (const tr of await page.locator("#gold-rows tbody tr").all()) rows.push(await tr.locator("td").allInnerTexts());
        expect(rows).to.deep.equal([
            ["p-001", "63", "0.82"],
            ["p-002", "41", "0.11"],
            ["p-003", "57", "0.47"],
        ]);
        expect(await page.locator("#gold-rows").isVisible()).to.equal(true);
    });

    it("scores the record the user types and shows the score after submitting", async () => {
        await page.goto(`${baseUrl}/`);
        const record = page.getByLabel("Record (JSON object)");
        expect(JSON.parse(await record.inputValue())).to.deep.equal(ROWS[0]);
        await record.fill('{"patient_id": "p-new", "age": 72, "opacity_score": 0.77}');
        await Promise.all([page.waitForURL(`${baseUrl}/score`), page.getByRole("button", { name: "Score" }).click()]);
        expect(await page.locator("#score").innerText()).to.equal("Score: 0.91");
        expect(scored).to.deep.equal([{ patient_id: "p-new", age: 72, opacity_score: 0.77 }]);
        // The page keeps the record and the rows, so the user can adjust and score again.
        expect(JSON.parse(await record.inputValue())).to.deep.equal({ patient_id: "p-new", age: 72, opacity_score: 0.77 });
        expect(await page.locator("#gold-rows tbody tr").count()).to.equal(3);
    });

    it("shows the user what is wrong with a record that is not JSON", async () => {
        await page.goto(`${baseUrl}/`);
        await page.getByLabel("Record (JSON object)").fill("age=72");
        await Promise.all([page.waitForURL(`${baseUrl}/score`), page.getByRole("button", { name: "Score" }).click()]);
        expect(await page.getByRole("alert").innerText()).to.equal("The record is not valid JSON.");
        expect(await page.locator("#score").count()).to.equal(0);
    });
});
