/**
 * The two things the app talks to, behind small interfaces so handlers are tested with fakes:
 * the SQL warehouse (rows of the gold table) and the serving endpoint (a score for one record).
 */

/** One value of a row as the page shows it. */
export type Cell = string | number | boolean | null;

/** One row: column name → value, in the warehouse's column order. */
export type Row = Record<string, Cell>;

/** Runs read-only SQL on the app's SQL warehouse. */
export interface Warehouse {
    /** Runs `statement` and returns at most `maxRows` rows. */
    query(statement: string, maxRows: number): Promise<Row[]>;
}

/** What the serving endpoint answered for one record. */
export interface Score {
    /** The model's prediction for the record (a number, a label or an object). */
    prediction: unknown;
}

/** Scores records against the app's serving endpoint. */
export interface Scorer {
    score(record: Row): Promise<Score>;
}
