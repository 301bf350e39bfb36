"""What the pipeline should produce, computed in plain Python from the sample's lines.

This is the rule book of docs/workloads.md written out independently of the pipeline code: JSON
parsing, normalisation, the expectations, deduplication and lateness, and the gold
aggregates. Where the two disagree, a test fails.
"""
import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

KNOWN_STATUSES = {"APPROVED", "DECLINED", "REFUNDED"}
DROP = ("event_id_present", "event_time_parsed", "positive_amount", "known_status")
WARN = ("iso_currency", "no_rescued_data")
LATENESS = timedelta(days=1)
FIELDS = ("event_id", "event_time", "merchant_id", "amount", "currency", "status", "card_country")


def _text(value):
    return value.strip() if isinstance(value, str) else None


def _timestamp(value):
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def raw_record(text):
    """A landing line as the bronze reader sees it: the fields, and whether anything was rescued.

    A line that is not a JSON object, or has a value of the wrong type for the schema, is
    rescued (keeping the fields that did fit)."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return {name: None for name in FIELDS}, True
    if not isinstance(record, dict):
        return {name: None for name in FIELDS}, True
    row, rescued = {}, False
    for name in FIELDS:
        value = record.get(name)
        if name == "amount":
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                value, rescued = None, True
        elif value is not None and not isinstance(value, str):
            value, rescued = None, True
        row[name] = value
    return row, rescued


def typed_rows(lines):
    """Each line typed and normalised as silver sees it, with the case it came from."""
    rows = []
    for line in lines:
        raw, rescued = raw_record(line.text)
        event_id = _text(raw["event_id"]) or None
        amount = raw["amount"]
        rows.append(
            {
                "event_id": event_id,
                "event_time": _timestamp(raw["event_time"]),
                "merchant_id": _text(raw["merchant_id"]) or None,
                "amount": Decimal(str(amount)).quantize(Decimal("0.01")) if amount is not None else None,
                "currency": _text(raw["currency"]).upper() if _text(raw["currency"]) is not None else None,
                "status": _text(raw["status"]).upper() if _text(raw["status"]) is not None else None,
                "card_country": _text(raw["card_country"]).upper() if _text(raw["card_country"]) is not None else None,
                "rescued": rescued,
                "case": line.case,
            }
        )
    return rows


def broken(row):
    """(dropping expectations broken, warning expectations broken), in declaration order."""
    drop = []
    if row["event_id"] is None:
        drop.append("event_id_present")
    if row["event_time"] is None:
        drop.append("event_time_parsed")
    if row["amount"] is None or row["amount"] <= 0:
        drop.append("positive_amount")
    if row["status"] not in KNOWN_STATUSES:
        drop.append("known_status")
    warn = []
    currency = row["currency"]
    if currency is None or not (len(currency) == 3 and currency.isascii() and currency.isalpha() and currency.isupper()):
        warn.append("iso_currency")
    if row["rescued"]:
        warn.append("no_rescued_data")
    return drop, warn


def passes(row):
    return not broken(row)[0]


class Expected:
    """Silver, quarantine and gold after each update, for a sample's batches."""

    def __init__(self, batches):
        self.silver = []  # rows in silver after the latest update
        self.quarantine = []
        self.late = []  # valid rows dropped because they arrived later than the tolerated lateness
        self.duplicates = []  # valid rows dropped because their event_id was already in silver
        self.watermark = None
        self.after = []  # silver after each update
        for lines in batches:
            self._update(lines)
            self.after.append(list(self.silver))

    def _update(self, lines):
        seen = {row["event_id"] for row in self.silver}
        newest = self.watermark
        for row in typed_rows(lines):
            drop, warn = broken(row)
            if drop or warn:
                self.quarantine.append({**row, "dropped_by": drop, "warned_by": warn})
            if drop:
                continue
            # Every row that passes the expectations moves the watermark, duplicates and late ones too.
            candidate = row["event_time"] - LATENESS
            newest = candidate if newest is None or candidate > newest else newest
            if self.watermark is not None and row["event_time"] < self.watermark:
                self.late.append(row)
                continue
            if row["event_id"] in seen:
                self.duplicates.append(row)
                continue
            seen.add(row["event_id"])
            self.silver.append(row)
        # The watermark moves between updates (micro-batches), not within one.
        self.watermark = newest

    def daily_summary(self, silver=None):
        groups = defaultdict(list)
        for row in self.silver if silver is None else silver:
            groups[(row["event_time"].date(), row["merchant_id"], row["currency"])].append(row)
        summary = {}
        for key, rows in groups.items():
            approved = [r for r in rows if r["status"] == "APPROVED"]
            summary[key] = {
                "transactions": len(rows),
                "approved": len(approved),
                "approved_amount": sum((r["amount"] for r in approved), Decimal("0.00")),
                "approval_rate": rate(len(approved), len(rows)),
            }
        return summary

    def merchant_rates(self):
        groups = defaultdict(list)
        for row in self.silver:
            groups[row["merchant_id"]].append(row)
        return {
            merchant: {
                "transactions": len(rows),
                "approval_rate": sum(1 for r in rows if r["status"] == "APPROVED") / len(rows),
                "card_countries": len({r["card_country"] for r in rows if r["card_country"] is not None}),
                "last_event_time": max(r["event_time"] for r in rows),
            }
            for merchant, rows in groups.items()
        }

    def executive_kpis(self):
        days = defaultdict(list)
        for (day, merchant, _currency), agg in self.daily_summary().items():
            days[day].append((merchant, agg))
        return {
            day: {
                "transactions": sum(a["transactions"] for _, a in rows),
                "approved": sum(a["approved"] for _, a in rows),
                "approval_rate": rate(sum(a["approved"] for _, a in rows), sum(a["transactions"] for _, a in rows)),
                "approved_amount": sum((a["approved_amount"] for _, a in rows), Decimal("0.00")),
                "active_merchants": len({m for m, _ in rows}),
            }
            for day, rows in days.items()
        }

    def merchants_below_average(self):
        rates = self.merchant_rates()
        approved = sum(r["approval_rate"] * r["transactions"] for r in rates.values())
        overall = approved / sum(r["transactions"] for r in rates.values())
        below = [(m, r) for m, r in rates.items() if r["approval_rate"] < overall]
        below.sort(key=lambda item: (item[1]["approval_rate"], -item[1]["transactions"]))
        return [m for m, _ in below], overall


def rate(numerator, denominator):
    """numerator / denominator rounded half-up to 4 places, as SQL ROUND does."""
    return float((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
