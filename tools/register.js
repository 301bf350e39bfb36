/**
 * `node -r ./tools/register.js file.ts`: compiles TypeScript on require with esbuild (types are
 * checked by `npm run typecheck`, not here), caching each compiled file by the hash of its source
 * under node_modules/.cache, so a second run compiles nothing. Stack traces are source-mapped.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { transformSync } = require("esbuild");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "lakehouse-ts");
const compilerKey = `${require("esbuild/package.json").version}|${process.version}|cjs-node20`;

function compile(source, filename) {
    const key = crypto.createHash("sha1").update(compilerKey).update(filename).update(source).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // not compiled yet
    }
    const { code } = transformSync(source, { loader: "ts", format: "cjs", target: "node20", sourcefile: filename, sourcemap: "inline" });
    try {
        fs.mkdirSync(cacheDir, { recursive: true });
        fs.writeFileSync(`${cached}.${process.pid}`, code);
        fs.renameSync(`${cached}.${process.pid}`, cached);
    } catch {
        // a read-only tree still runs, just without the cache
    }
    return code;
}

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
process.setSourceMapsEnabled(true);
