/**
 * The app's HTTP handler: `GET /health`, `GET /` (gold rows and the scoring form) and
 * `POST /score`. Everything it talks to comes in through `AppDeps`, so tests run it with fakes.
 */
import * as http from "http";
import { Cell, Row, Scorer, Warehouse } from "./clients";
import { issueToken, verifyToken } from "./form-token";
import { PageState, renderPage } from "./page";
import { IDENTIFIER } from "./settings";

export interface AppDeps {
    warehouse: Warehouse;
    scorer: Scorer;
    catalog: string;
    schema: string;
    table: string;
    /** Serving endpoint name, shown on the page. */
    endpoint: string;
    /** Key that signs the scoring form. */
    formSigningKey: string;
    /** Rows shown (default 20). */
    rowLimit?: number;
    /** Clock, for form tokens. */
    now?: () => number;
    /** Where errors are logged (default console.error). */
    log?: (message: string) => void;
}

/** Largest form body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

const SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
};

/** The read-only query behind the page. Identifiers are checked, then quoted. */
export function goldQuery(catalog: string, schema: string, table: string, limit: number): string {
    for (const [what, name] of [["catalog", catalog], ["schema", schema], ["table", table]]) {
        if (!IDENTIFIER.test(name)) throw new Error(`${what} ${JSON.stringify(name)} is not a Unity Catalog name`);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`row limit ${limit} is not between 1 and 1000`);
    return `SELECT * FROM \`${catalog}\`.\`${schema}\`.\`${table}\` LIMIT ${limit}`;
}

/** Parses the form's record: a JSON object whose values are strings, numbers, booleans or null. */
export function parseRecord(text: string): Row {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new RecordError("The record is not valid JSON.");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RecordError("The record must be a JSON object, e.g. {\"age\": 42}.");
    const row: Row = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== null && !["string", "number", "boolean"].includes(typeof v)) throw new RecordError(`Field "${k}" must be a string, number, boolean or null.`);
        row[k] = v as Cell;
    }
    if (Object.keys(row).length === 0) throw new RecordError("The record has no fields.");
    return row;
}

export class RecordError extends Error {}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        let size = 0;
        const chunks: Buffer[] = [];
        // Past the limit the body is read to its end but not kept, so the client gets the 413.
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        req.on("end", () => (size > MAX_BODY_BYTES ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString("utf8"))));
        req.on("error", reject);
    });
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { "content-type": `${type}; charset=utf-8`, ...SECURITY_HEADERS });
    res.end(body);
}

function message(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

export function createHandler(deps: AppDeps): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
    const now = deps.now ?? Date.now;
    const log = deps.log ?? ((m: string) => console.error(m));
    const limit = deps.rowLimit ?? 20;
    const tableName = `${deps.catalog}.${deps.schema}.${deps.table}`;

    async function page(status: number, res: http.ServerResponse, extra: Partial<PageState>): Promise<void> {
        const state: PageState = { table: tableName, endpoint: deps.endpoint, record: "", token: issueToken(deps.formSigningKey, now()), ...extra };
        try {
            state.rows = await deps.warehouse.query(goldQuery(deps.catalog, deps.schema, deps.table, limit), limit);
        } catch (err) {
            log(`reading ${tableName} failed: ${message(err)}`);
            state.rowsError = message(err);
        }
        if (!state.record && state.rows && state.rows.length > 0) state.record = JSON.stringify(state.rows[0], null, 2);
        send(res, status, "text/html", renderPage(state));
    }

    return async (req, res) => {
        const path = new URL(req.url ?? "/", "http://app").pathname;
        try {
            if (path === "/health") {
                if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method Not Allowed");
                return send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
            }
            if (path === "/") {
                if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method Not Allowed");
                return await page(200, res, {});
            }
            if (path === "/score") {
                if (req.method !== "POST") return send(res, 405, "text/plain", "Method Not Allowed");
                const form = new URLSearchParams(await readBody(req));
                const record = form.get("record") ?? "";
                if (!verifyToken(deps.formSigningKey, form.get("token"), now())) {
                    return await page(403, res, { record, scoreError: "The form has expired or was not issued by this app: reload the page and submit again." });
                }
                let row: Row;
                try {
                    row = parseRecord(record);
                } catch (err) {
                    if (err instanceof RecordError) return await page(400, res, { record, scoreError: err.message });
                    throw err;
                }
                try {
                    const score = await deps.scorer.score(row);
                    return await page(200, res, { record, score });
                } catch (err) {
                    log(`scoring against ${deps.endpoint} failed: ${message(err)}`);
                    return await page(502, res, { record, scoreError: `The serving endpoint ${deps.endpoint} could not score the record: ${message(err)}` });
                }
            }
            return send(res, 404, "text/plain", "Not Found");
        } catch (err) {
            if (err instanceof BodyTooLarge) return send(res, 413, "text/plain", "Payload Too Large");
            log(`${req.method} ${path} failed: ${message(err)}`);
            if (!res.headersSent) send(res, 500, "text/plain", "Internal Server Error");
        }
    };
}

/** Starts the app on `host:port`; resolves once it listens. */
export function startServer(deps: AppDeps, port: number, host = "0.0.0.0"): Promise<http.Server> {
    const handler = createHandler(deps);
    const server = http.createServer((req, res) => void handler(req, res));
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve(server));
    });
}
