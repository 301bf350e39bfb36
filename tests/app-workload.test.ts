/**
 * The data app itself (workloads/app): its HTTP handlers with the warehouse and serving clients
 * replaced by fakes, the real clients against a fake workspace and a fake SQL driver, its
 * settings and form tokens, and its build with its own tsconfig as Databricks builds it.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { Row, Score, Scorer, Warehouse } from "../workloads/app/src/clients";
import { TOKEN_TTL_MS, issueToken, verifyToken } from "../workloads/app/src/form-token";
import { AppDeps, goldQuery, startServer } from "../workloads/app/src/server";
import { tokenSource, servingEndpointScorer } from "../workloads/app/src/serving";
import { SettingsError, readSettings } from "../workloads/app/src/settings";
import { SqlDriver, databricksWarehouse, toCell } from "../workloads/app/src/warehouse";

const KEY = "test-signing-key";
const ROWS: Row[] = [
    { patient_id: "p-001", age: 63, opacity_score: 0.82, label: "pneumonia" },
    { patient_id: "p-002", age: 41, opacity_score: 0.11, label: "<script>alert(1)</script>" },
];

/** A warehouse that records the statements it runs. */
class FakeWarehouse implements Warehouse {
    statements: { statement: string; maxRows: number }[] = [];
    constructor(private readonly rows: Row[] | Error = ROWS) {}
    async query(statement: string, maxRows: number): Promise<Row[]> {
        this.statements.push({ statement, maxRows });
        if (this.rows instanceof Error) throw this.rows;
        return this.rows;
    }
}

/** A serving endpoint that records the records it scores. */
class FakeScorer implements Scorer {
    records: Row[] = [];
    constructor(private readonly answer: Score | Error = { prediction: 0.87 }) {}
    async score(record: Row): Promise<Score> {
        this.records.push(record);
        if (this.answer instanceof Error) throw this.answer;
        return this.answer;
    }
}

interface Running {
    url: string;
    warehouse: FakeWarehouse;
    scorer: FakeScorer;
    close(): Promise<void>;
}

async function running(overrides: Partial<AppDeps> = {}): Promise<Running> {
    const warehouse = (overrides.warehouse as FakeWarehouse) ?? new FakeWarehouse();
    const scorer = (overrides.scorer as FakeScorer) ?? new FakeScorer();
    const server = await startServer(
        { catalog: "lakehouse_dev", schema: "lakehouse_gold", table: "features", endpoint: "lakehouse-classifier", formSigningKey: KEY, log: () => {}, ...overrides, warehouse, scorer },
        0,
        "127.0.0.1",
    );
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, warehouse, scorer, close: () => new Promise((r) => server.close(() => r())) };
}

const post = (url: string, form: Record<string, string>) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });

describe("data app: routes", () => {
    let app: Running;
    afterEach(async () => app?.close());

    it("answers /health with {status: ok} without touching the warehouse", async () => {
        app = await running();
        const res = await fetch(`${app.url}/health`);
        expect(res.status).to.equal(200);
        expect(res.headers.get("content-type")).to.match(/^application\/json/);
        expect(await res.json()).to.deep.equal({ status: "ok" });
        expect(app.warehouse.statements).to.deep.equal([]);
    });

    it("shows the rows of the configured gold table, read through the warehouse", async () => {
        app = await running();
        const res = await fetch(`${app.url}/`);
        const html = await res.text();
        expect(res.status).to.equal(200);
        expect(app.warehouse.statements).to.deep.equal([{ statement: "SELECT * FROM `lakehouse_dev`.`lakehouse_gold`.`features` LIMIT 20", maxRows: 20 }]);
        expect(html).to.contain("lakehouse_dev.lakehouse_gold.features");
        expect(html).to.contain("<td>p-001</td><td>63</td><td>0.82</td><td>pneumonia</td>");
        expect(html).to.contain("2 rows of");
    });

    it("escapes what the table holds and sends a script-free content policy", async () => {
        app = await running();
        const res = await fetch(`${app.url}/`);
        const html = await res.text();
        expect(html).to.not.contain("<script>alert(1)</script>");
        expect(html).to.contain("&lt;script&gt;alert(1)&lt;/script&gt;");
        expect(res.headers.get("content-security-policy")).to.contain("default-src 'none'");
        expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    });

    it("still serves the page, with the reason, when the warehouse fails", async () => {
        app = await running({ warehouse: new FakeWarehouse(new Error("warehouse is stopped")) });
        const res = await fetch(`${app.url}/`);
        const html = await res.text();
        expect(res.status).to.equal(200);
        expect(html).to.contain("Could not read lakehouse_dev.lakehouse_gold.features: warehouse is stopped");
        expect(html).to.contain('<form method="post" action="score">');
    });

    it("scores a submitted record against the endpoint and shows the score", async () => {
        app = await running();
        const res = await post(`${app.url}/score`, { record: '{"age": 70, "opacity_score": 0.9}', token: issueToken(KEY, Date.now()) });
        const html = await res.text();
        expect(res.status).to.equal(200);
        expect(app.scorer.records).to.deep.equal([{ age: 70, opacity_score: 0.9 }]);
        expect(html).to.contain("Score: <output>0.87</output>");
    });

    it("refuses a form it did not issue, or one that has expired, without scoring", async () => {
        app = await running();
        for (const token of ["", "123.forged", issueToken("other-key", Date.now()), issueToken(KEY, Date.now() - TOKEN_TTL_MS - 1000)]) {
            const res = await post(`${app.url}/score`, { record: '{"age": 70}', token });
            expect(res.status, token).to.equal(403);
            expect(await res.text()).to.contain("The form has expired or was not issued by this app");
        }
        expect(app.scorer.records).to.deep.equal([]);
    });

    it("explains a record that is not a JSON object of plain values", async () => {
        app = await running();
        const cases: [string, RegExp][] = [
            ["{age: 70}", /not valid JSON/],
            ["[1, 2]", /must be a JSON object/],
            ['{"nested": {"a": 1}}', /Field &quot;nested&quot; must be a string, number, boolean or null/],
            ["{}", /has no fields/],
        ];
        for (const [record, message] of cases) {
            const res = await post(`${app.url}/score`, { record, token: issueToken(KEY, Date.now()) });
            expect(res.status, record).to.equal(400);
            expect(await res.text()).to.match(message);
        }
        expect(app.scorer.records).to.deep.equal([]);
    });

    it("says which endpoint failed when scoring fails", async () => {
        app = await running({ scorer: new FakeScorer(new Error("HTTP 429: rate limit")) });
        const res = await post(`${app.url}/score`, { record: '{"age": 70}', token: issueToken(KEY, Date.now()) });
        expect(res.status).to.equal(502);
        expect(await res.text()).to.contain("The serving endpoint lakehouse-classifier could not score the record: HTTP 429: rate limit");
    });

    it("answers unknown paths with 404, wrong methods with 405 and oversized forms with 413", async () => {
        app = await running();
        expect((await fetch(`${app.url}/admin`)).status).to.equal(404);
        expect((await fetch(`${app.url}/score`)).status).to.equal(405);
        expect((await fetch(`${app.url}/`, { method: "DELETE" })).status).to.equal(405);
        expect((await post(`${app.url}/score`, { record: "x".repeat(70 * 1024), token: "t" })).status).to.equal(413);
    });
});

describe("data app: the gold query, settings and form tokens", () => {
    it("quotes checked identifiers and refuses anything else", () => {
        expect(goldQuery("c", "s", "t", 5)).to.equal("SELECT * FROM `c`.`s`.`t` LIMIT 5");
        expect(() => goldQuery("c", "s", "t`; DROP TABLE x; --", 5)).to.throw(/not a Unity Catalog name/);
        expect(() => goldQuery("c", "s", "t", 0)).to.throw(/between 1 and 1000/);
    });

    it("reads its settings from the environment and lists everything missing at once", () => {
        const env = {
            DATABRICKS_HOST: "adb-1.7.azuredatabricks.net",
            DATABRICKS_CLIENT_ID: "id",
            DATABRICKS_CLIENT_SECRET: "secret",
            DATABRICKS_WAREHOUSE_ID: "abc123",
            SERVING_ENDPOINT: "lakehouse-classifier",
            FORM_SIGNING_KEY: "k",
            LAKEHOUSE_CATALOG: "lakehouse_dev",
            LAKEHOUSE_SCHEMA: "lakehouse_gold",
            LAKEHOUSE_TABLE: "features",
        };
        expect(readSettings(env)).to.include({ port: 8000, databricksHost: "https://adb-1.7.azuredatabricks.net", warehouseId: "abc123" });
        expect(readSettings({ ...env, DATABRICKS_APP_PORT: "8080" }).port).to.equal(8080);
        try {
            readSettings({ ...env, DATABRICKS_WAREHOUSE_ID: "", FORM_SIGNING_KEY: undefined, LAKEHOUSE_TABLE: "Features!" });
            expect.fail("expected a SettingsError");
        } catch (err) {
            expect(err).to.be.instanceOf(SettingsError);
            expect((err as SettingsError).problems).to.deep.equal([
                "DATABRICKS_WAREHOUSE_ID is not set",
                "FORM_SIGNING_KEY is not set",
                'LAKEHOUSE_TABLE="Features!" is not a Unity Catalog name (lower-case letters, digits, _)',
            ]);
        }
    });

    it("accepts its own fresh tokens only", () => {
        const now = 1_800_000_000_000;
        const token = issueToken(KEY, now);
        expect(verifyToken(KEY, token, now + 1000)).to.equal(true);
        expect(verifyToken(KEY, token, now + TOKEN_TTL_MS + 1)).to.equal(false);
        expect(verifyToken(KEY, token, now - 1)).to.equal(false);
        expect(verifyToken("other", token, now)).to.equal(false);
        expect(verifyToken(KEY, token.replace(/.$/, (c) => (c === "A" ? "B" : "A")), now)).to.equal(false);
        expect(verifyToken(KEY, undefined, now)).to.equal(false);
    });
});

describe("data app: the real serving client, against a fake workspace", () => {
    let server: http.Server;
    let host: string;
    let requests: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[];
    let answer: (url: string) => { status: number; body: unknown };

    before(async () => {
        server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c) => (body += c));
            req.on("end", () => {
                requests.push({ method: req.method, url: req.url, headers: req.headers, body });
                const { status, body: out } = answer(req.url ?? "");
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(out));
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
        host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());
    beforeEach(() => {
        requests = [];
        answer = (url) =>
            url === "/oidc/v1/token" ? { status: 200, body: { access_token: "tok-1", expires_in: 3600 } } : { status: 200, body: { predictions: [0.42] } };
    });

    const options = () => ({ host, endpoint: "lakehouse-classifier", clientId: "app-client", clientSecret: "app-secret" });

    it("gets a token as the app's service principal and posts the record as dataframe_records", async () => {
        const score = await servingEndpointScorer(options()).score({ age: 70, smoker: true });
        expect(score).to.deep.equal({ prediction: 0.42 });
        const [tokenRequest, invocation] = requests;
        expect(tokenRequest.url).to.equal("/oidc/v1/token");
        expect(tokenRequest.headers.authorization).to.equal(`Basic ${Buffer.from("app-client:app-secret").toString("base64")}`);
        expect(tokenRequest.body).to.equal("grant_type=client_credentials&scope=all-apis");
        expect(invocation.method).to.equal("POST");
        expect(invocation.url).to.equal("/serving-endpoints/lakehouse-classifier/invocations");
        expect(invocation.headers.authorization).to.equal("Bearer tok-1");
        expect(JSON.parse(invocation.body)).to.deep.equal({ dataframe_records: [{ age: 70, smoker: true }] });
    });

    it("reuses its token until shortly before it expires", async () => {
        let now = 0;
        const token = tokenSource({ ...options(), now: () => now });
        await token();
        now = 3000 * 1000;
        await token();
        expect(requests.filter((r) => r.url === "/oidc/v1/token")).to.have.length(1);
        now = 3541 * 1000;
        await token();
        expect(requests.filter((r) => r.url === "/oidc/v1/token")).to.have.length(2);
    });

    it("reports the workspace's own message when a call is refused, and an answer without predictions", async () => {
        answer = (url) => (url === "/oidc/v1/token" ? { status: 200, body: { access_token: "t" } } : { status: 403, body: { message: "PERMISSION_DENIED: no CAN_QUERY" } });
        await expectRejection(servingEndpointScorer(options()).score({ a: 1 }), /querying lakehouse-classifier failed with HTTP 403: PERMISSION_DENIED: no CAN_QUERY/);
        answer = (url) => (url === "/oidc/v1/token" ? { status: 401, body: { error_description: "invalid client" } } : { status: 200, body: {} });
        await expectRejection(servingEndpointScorer(options()).score({ a: 1 }), /getting a workspace token failed with HTTP 401: invalid client/);
        answer = (url) => (url === "/oidc/v1/token" ? { status: 200, body: { access_token: "t" } } : { status: 200, body: { predictions: [] } });
        await expectRejection(servingEndpointScorer(options()).score({ a: 1 }), /answered without predictions/);
    });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
    try {
        await promise;
    } catch (err) {
        expect((err as Error).message).to.match(message);
        return;
    }
    expect.fail(`expected a rejection matching ${message}`);
}

describe("data app: the real warehouse client, against a fake SQL driver", () => {
    function fakeDriver(rows: Record<string, unknown>[] | Error) {
        const log: { connect: unknown[]; sessions: unknown[]; statements: unknown[]; closed: string[] } = { connect: [], sessions: [], statements: [], closed: [] };
        const driver = {
            DBSQLClient: class {
                async connect(options: unknown) {
                    log.connect.push(options);
                    return this;
                }
                async openSession(request: unknown) {
                    log.sessions.push(request);
                    return {
                        async executeStatement(statement: string, options: unknown) {
                            log.statements.push({ statement, options });
                            return {
                                async fetchAll() {
                                    if (rows instanceof Error) throw rows;
                                    return rows;
                                },
                                async close() {
                                    log.closed.push("operation");
                                },
                            };
                        },
                        async close() {
                            log.closed.push("session");
                        },
                    };
                }
                async close() {}
            },
        } as unknown as SqlDriver;
        return { driver, log };
    }
    const options = { host: "https://adb-1.7.azuredatabricks.net", warehouseId: "abc123", clientId: "app-client", clientSecret: "app-secret", catalog: "lakehouse_dev", schema: "lakehouse_gold" };

    it("connects to the warehouse as the app's service principal, in the configured catalog and schema", async () => {
        const { driver, log } = fakeDriver([{ id: 1 }]);
        const warehouse = databricksWarehouse(options, async () => driver);
        await warehouse.query("SELECT 1", 20);
        await warehouse.query("SELECT 2", 20);
        expect(log.connect).to.deep.equal([
            { host: "adb-1.7.azuredatabricks.net", path: "/sql/1.0/warehouses/abc123", authType: "databricks-oauth", oauthClientId: "app-client", oauthClientSecret: "app-secret" },
        ]);
        expect(log.sessions).to.deep.equal([
            { initialCatalog: "lakehouse_dev", initialSchema: "lakehouse_gold" },
            { initialCatalog: "lakehouse_dev", initialSchema: "lakehouse_gold" },
        ]);
        expect(log.statements[0]).to.deep.equal({ statement: "SELECT 1", options: { maxRows: 20 } });
    });

    it("turns driver values into what the page shows, and closes what it opens even on failure", async () => {
        const { driver, log } = fakeDriver([{ n: BigInt("9007199254740993"), at: new Date("2026-11-22T10:00:00Z"), none: null, tags: ["a"] }]);
        expect(await databricksWarehouse(options, async () => driver).query("q", 5)).to.deep.equal([
            { n: "9007199254740993", at: "2026-11-22T10:00:00.000Z", none: null, tags: '["a"]' },
        ]);
        expect(log.closed).to.deep.equal(["operation", "session"]);
        const failing = fakeDriver(new Error("TABLE_OR_VIEW_NOT_FOUND"));
        await expectRejection(databricksWarehouse(options, async () => failing.driver).query("q", 5), /TABLE_OR_VIEW_NOT_FOUND/);
        expect(failing.log.closed).to.deep.equal(["operation", "session"]);
        expect(toCell(Number.NaN)).to.equal("NaN");
    });
});

describe("data app: builds as Databricks builds it", () => {
    it("compiles with its own tsconfig (npm run build) into the dist/main.js that npm start runs", function () {
        this.timeout(60_000);
        const appDir = path.resolve(__dirname, "..", "workloads", "app");
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "app-dist-"));
        try {
            const tsc = require.resolve("typescript/bin/tsc");
            execFileSync(process.execPath, [tsc, "-p", path.join(appDir, "tsconfig.json"), "--outDir", out], { stdio: "pipe" });
            const pkg = JSON.parse(fs.readFileSync(path.join(appDir, "package.json"), "utf8"));
            const entry = (pkg.scripts.start as string).replace(/^node /, "").replace(/^dist\//, "");
            expect(fs.existsSync(path.join(out, entry)), `${entry} built`).to.equal(true);
            const server = require(path.join(out, "server.js"));
            expect(server.goldQuery("a", "b", "c", 1)).to.equal("SELECT * FROM `a`.`b`.`c` LIMIT 1");
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
