/**
 * Which headless Chromium the browser tests drive, in this order: `CHROMIUM_PATH` (must exist),
 * the system's `/usr/bin/chromium` when there is one, else the build that ships inside the npm
 * package `@sparticuz/chromium` (a brotli-packed Chromium with its own NSS, made for serverless
 * platforms; it needs only glibc, so `npm ci` is all a fresh machine needs). Never skipped: when
 * none can be found, the test fails and says why.
 */
import * as fs from "fs";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** The flags a root, offline machine needs (without the networking ones Chromium retries Google's hosts). */
export const HEADLESS_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

export async function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): Promise<{ path: string; source: string }> {
    const configured = env.CHROMIUM_PATH;
    if (configured) {
        if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist (unset it to use the npm package's Chromium)`);
        return { path: configured, source: "CHROMIUM_PATH" };
    }
    if (fs.existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: "system" };
    const packaged = (await import("@sparticuz/chromium")).default;
    // Unpacks once per machine into the temporary directory, then reuses it.
    return { path: await packaged.executablePath(), source: "@sparticuz/chromium" };
}
