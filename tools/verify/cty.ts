/**
 * Terraform's value encoding on the plugin protocol (go-cty's MessagePack form, as `DynamicValue.msgpack`),
 * typed by the provider's own schema. Encodes configs and states for ValidateResourceConfig and
 * PlanResourceChange, and decodes the planned state a provider returns. Pure, unit-tested.
 *
 * cty types arrive as JSON: "string" | "number" | "bool" | "dynamic" | ["list", T] | ["set", T] |
 * ["map", T] | ["object", { name: T }, optional?] | ["tuple", [T...]]. An unknown value is the
 * MessagePack extension 0 with an empty payload (fixext1 0xd4 0x00 0x00), as go-cty writes it.
 */

export type CtyType = string | [string, unknown, ...unknown[]];

/** The unknown value ("known after apply"). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type CtyValue = null | string | number | boolean | typeof UNKNOWN | CtyValue[] | { [key: string]: CtyValue };

export class CtyEncodeError extends Error {}

class Writer {
    private chunks: Buffer[] = [];
    byte(...b: number[]) {
        this.chunks.push(Buffer.from(b));
    }
    buf(b: Buffer) {
        this.chunks.push(b);
    }
    done(): Buffer {
        return Buffer.concat(this.chunks);
    }
}

function writeNil(w: Writer) {
    w.byte(0xc0);
}

function writeString(w: Writer, s: string) {
    const b = Buffer.from(s, "utf8");
    if (b.length < 32) w.byte(0xa0 | b.length);
    else if (b.length < 0x100) w.byte(0xd9, b.length);
    else if (b.length < 0x10000) w.byte(0xda, b.length >> 8, b.length & 0xff);
    else {
        const h = Buffer.alloc(5);
        h[0] = 0xdb;
        h.writeUInt32BE(b.length, 1);
        w.buf(h);
    }
    w.buf(b);
}

function writeNumber(w: Writer, n: number) {
    if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
        if (n >= 0 && n < 128) return w.byte(n);
        if (n < 0 && n >= -32) return w.byte(0xe0 | (n + 32));
        const b = Buffer.alloc(9);
        b[0] = 0xd3;
        b.writeBigInt64BE(BigInt(n), 1);
        return w.buf(b);
    }
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(n, 1);
    w.buf(b);
}

function writeHeader(w: Writer, n: number, fix: number, c16: number) {
    if (n < 16) w.byte(fix | n);
    else if (n < 0x10000) w.byte(c16, n >> 8, n & 0xff);
    else {
        const b = Buffer.alloc(5);
        b[0] = c16 + 1;
        b.writeUInt32BE(n, 1);
        w.buf(b);
    }
}

function kind(type: CtyType): string {
    return typeof type === "string" ? type : type[0];
}

/** Encodes `value` as go-cty MessagePack of `type` (objects list every attribute, missing ones null). */
export function encode(value: CtyValue, type: CtyType): Buffer {
    const w = new Writer();
    write(w, value, type, "");
    return w.done();
}

function write(w: Writer, value: CtyValue, type: CtyType, path: string): void {
    if (value === UNKNOWN) return w.byte(0xd4, 0, 0);
    if (value === null || value === undefined) return writeNil(w);
    switch (kind(type)) {
        case "string":
            if (typeof value === "object") throw new CtyEncodeError(`${path || "(root)"}: expected a string, got ${JSON.stringify(value)}`);
            return writeString(w, String(value));
        case "number": {
            const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
            if (typeof n !== "number" || Number.isNaN(n)) throw new CtyEncodeError(`${path || "(root)"}: expected a number, got ${JSON.stringify(value)}`);
            return writeNumber(w, n);
        }
        case "bool": {
            const b = value === "true" ? true : value === "false" ? false : value;
            if (typeof b !== "boolean") throw new CtyEncodeError(`${path || "(root)"}: expected a bool, got ${JSON.stringify(value)}`);
            return w.byte(b ? 0xc3 : 0xc2);
        }
        case "list":
        case "set": {
            if (!Array.isArray(value)) throw new CtyEncodeError(`${path || "(root)"}: expected a list, got ${JSON.stringify(value)}`);
            writeHeader(w, value.length, 0x90, 0xdc);
            value.forEach((v, i) => write(w, v, (type as unknown[])[1] as CtyType, `${path}[${i}]`));
            return;
        }
        case "tuple": {
            const types = (type as unknown[])[1] as CtyType[];
            if (!Array.isArray(value) || value.length !== types.length) throw new CtyEncodeError(`${path || "(root)"}: expected a tuple of ${types.length}`);
            writeHeader(w, value.length, 0x90, 0xdc);
            value.forEach((v, i) => write(w, v, types[i], `${path}[${i}]`));
            return;
        }
        case "map": {
            if (typeof value !== "object" || Array.isArray(value)) throw new CtyEncodeError(`${path || "(root)"}: expected a map, got ${JSON.stringify(value)}`);
            const keys = Object.keys(value).sort();
            writeHeader(w, keys.length, 0x80, 0xde);
            for (const k of keys) {
                writeString(w, k);
                write(w, (value as Record<string, CtyValue>)[k], (type as unknown[])[1] as CtyType, `${path}.${k}`);
            }
            return;
        }
        case "object": {
            if (typeof value !== "object" || Array.isArray(value)) throw new CtyEncodeError(`${path || "(root)"}: expected an object, got ${JSON.stringify(value)}`);
            const attrs = (type as unknown[])[1] as Record<string, CtyType>;
            const keys = Object.keys(attrs).sort();
            writeHeader(w, keys.length, 0x80, 0xde);
            for (const k of keys) {
                writeString(w, k);
                write(w, (value as Record<string, CtyValue>)[k] ?? null, attrs[k], `${path}.${k}`);
            }
            return;
        }
        case "dynamic": {
            // go-cty: a dynamic value is [type JSON as bytes, value].
            const t = inferType(value);
            w.byte(0x92);
            const json = Buffer.from(JSON.stringify(t), "utf8");
            if (json.length < 0x100) w.byte(0xc4, json.length);
            else w.byte(0xc5, json.length >> 8, json.length & 0xff);
            w.buf(json);
            return write(w, value, t, path);
        }
        default:
            throw new CtyEncodeError(`${path || "(root)"}: unsupported type ${JSON.stringify(type)}`);
    }
}

function inferType(value: CtyValue): CtyType {
    if (typeof value === "string") return "string";
    if (typeof value === "number") return "number";
    if (typeof value === "boolean") return "bool";
    if (Array.isArray(value)) return ["tuple", value.map(inferType)];
    if (value && typeof value === "object") return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inferType(v)]))];
    return "string";
}

/** Decodes go-cty MessagePack (types are implied by the bytes; unknowns become UNKNOWN). */
export function decode(buf: Buffer): CtyValue {
    let pos = 0;
    const u8 = () => buf[pos++];
    const read = (): CtyValue => {
        const b = u8();
        if (b <= 0x7f) return b;
        if (b >= 0xe0) return b - 0x100;
        if ((b & 0xf0) === 0x80) return map(b & 0x0f);
        if ((b & 0xf0) === 0x90) return arr(b & 0x0f);
        if ((b & 0xe0) === 0xa0) return str(b & 0x1f);
        switch (b) {
            case 0xc0:
                return null;
            case 0xc2:
                return false;
            case 0xc3:
                return true;
            case 0xc4:
                return bin(u8());
            case 0xc5:
                return bin(buf.readUInt16BE((pos += 2) - 2));
            case 0xca:
                return buf.readFloatBE((pos += 4) - 4);
            case 0xcb:
                return buf.readDoubleBE((pos += 8) - 8);
            case 0xcc:
                return u8();
            case 0xcd:
                return buf.readUInt16BE((pos += 2) - 2);
            case 0xce:
                return buf.readUInt32BE((pos += 4) - 4);
            case 0xcf:
                return Number(buf.readBigUInt64BE((pos += 8) - 8));
            case 0xd0:
                return buf.readInt8((pos += 1) - 1);
            case 0xd1:
                return buf.readInt16BE((pos += 2) - 2);
            case 0xd2:
                return buf.readInt32BE((pos += 4) - 4);
            case 0xd3:
                return Number(buf.readBigInt64BE((pos += 8) - 8));
            case 0xd4:
                pos += 2;
                return UNKNOWN;
            case 0xd9:
                return str(u8());
            case 0xda:
                return str(buf.readUInt16BE((pos += 2) - 2));
            case 0xdb:
                return str(buf.readUInt32BE((pos += 4) - 4));
            case 0xdc:
                return arr(buf.readUInt16BE((pos += 2) - 2));
            case 0xdd:
                return arr(buf.readUInt32BE((pos += 4) - 4));
            case 0xde:
                return map(buf.readUInt16BE((pos += 2) - 2));
            case 0xdf:
                return map(buf.readUInt32BE((pos += 4) - 4));
            default:
                throw new Error(`unsupported MessagePack byte 0x${b.toString(16)} at ${pos - 1}`);
        }
    };
    const str = (n: number) => buf.toString("utf8", pos, (pos += n));
    const bin = (n: number) => buf.toString("utf8", pos, (pos += n));
    const arr = (n: number) => Array.from({ length: n }, () => read());
    const map = (n: number) => {
        const o: Record<string, CtyValue> = {};
        for (let i = 0; i < n; i++) {
            const k = read();
            o[String(k)] = read();
        }
        return o;
    };
    const v = read();
    // A dynamic value decodes as [type JSON, value]: callers that need it unwrap it themselves.
    return v;
}
