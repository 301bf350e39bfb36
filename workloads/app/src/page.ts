/**
 * The one page of the app: the latest rows of the gold table, and a form that scores a record
 * against the serving endpoint. Server-rendered HTML, no script. Pure: state in, HTML out.
 */
import { Cell, Row, Score } from "./clients";

export interface PageState {
    /** `<catalog>.<schema>.<table>` the rows come from. */
    table: string;
    /** Serving endpoint the form scores against. */
    endpoint: string;
    /** Rows of the gold table, or undefined when the warehouse could not be read. */
    rows?: Row[];
    /** Why the rows are missing. */
    rowsError?: string;
    /** The record in the form (JSON). */
    record: string;
    /** Signed token of the form. */
    token: string;
    /** The score of the last submitted record. */
    score?: Score;
    /** Why the last record could not be scored. */
    scoreError?: string;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

function cellText(value: Cell): string {
    return value === null ? "" : String(value);
}

/** A prediction as people read it: numbers and strings as they are, anything else as JSON. */
export function predictionText(prediction: unknown): string {
    if (typeof prediction === "number") return Number.isInteger(prediction) ? String(prediction) : prediction.toFixed(4).replace(/0+$/, "");
    if (typeof prediction === "string") return prediction;
    return JSON.stringify(prediction);
}

function rowsSection(state: PageState): string {
    if (state.rows === undefined) {
        return `<p class="error" role="alert">Could not read ${escapeHtml(state.table)}: ${escapeHtml(state.rowsError ?? "unknown error")}</p>`;
    }
    if (state.rows.length === 0) return `<p id="no-rows">${escapeHtml(state.table)} has no rows yet.</p>`;
    const columns = Object.keys(state.rows[0]);
    const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("");
    const body = state.rows.map((row) => `<tr>${columns.map((c) => `<td>${escapeHtml(cellText(row[c] ?? null))}</td>`).join("")}</tr>`).join("\n");
    return `<table id="gold-rows">\n<caption>${state.rows.length} row${state.rows.length === 1 ? "" : "s"} of ${escapeHtml(state.table)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function scoreSection(state: PageState): string {
    if (state.scoreError !== undefined) return `<p id="score-error" class="error" role="alert">${escapeHtml(state.scoreError)}</p>`;
    if (state.score !== undefined) return `<p id="score">Score: <output>${escapeHtml(predictionText(state.score.prediction))}</output></p>`;
    return "";
}

export function renderPage(state: PageState): string {
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lakehouse data app</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #c9d1d9; padding: .3rem .6rem; text-align: left; }
caption { text-align: left; color: #57606a; }
textarea { width: 100%; max-width: 40rem; font-family: ui-monospace, monospace; }
.error { color: #b42318; }
#score output { font-weight: bold; }
</style>
</head>
<body>
<main>
<h1>Gold layer: ${escapeHtml(state.table)}</h1>
<section aria-labelledby="rows-heading">
<h2 id="rows-heading">Latest rows</h2>
${rowsSection(state)}
</section>
<section aria-labelledby="score-heading">
<h2 id="score-heading">Score a record</h2>
<p>Scored by the serving endpoint <code>${escapeHtml(state.endpoint)}</code>.</p>
<form method="post" action="score">
<label for="record">Record (JSON object)</label><br>
<textarea id="record" name="record" rows="8">${escapeHtml(state.record)}</textarea>
<input type="hidden" name="token" value="${escapeHtml(state.token)}">
<p><button type="submit">Score</button></p>
</form>
${scoreSection(state)}
</section>
</main>
</body>
</html>
`;
}
