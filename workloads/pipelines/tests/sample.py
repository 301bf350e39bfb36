"""Deterministic sample payment events, in the files the landing folder receives.

Two batches, as two arrivals: the first update of the pipeline ingests batch 1, a later one
batch 2. Each line carries the case it exercises, so the expected results are derived from
the cases and the rules (see expected.py), never from running Spark code.

Batch 1: valid events over three days from five merchants with different approval rates, plus
every case the silver expectations exist for: malformed JSON, a wrongly typed amount, missing
event ids, unparseable event times, unknown statuses, negative and zero amounts, odd currencies
(warned, kept), redeliveries (same line again) and a duplicate that only matches after
normalisation, events with a UTC offset that cross midnight, and an invalid event dated weeks
ahead (which must not move the lateness watermark, since it never passes the expectations).

Batch 2: newer events, late events within the tolerated lateness (kept), events later than it
(dropped by the watermark), redeliveries of batch-1 events, and more invalid rows.
"""
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

SEED = 16
START = datetime(2026, 3, 1, tzinfo=timezone.utc)
# Merchant -> probability that one of its payments is approved.
MERCHANTS = {"m-001": 0.93, "m-002": 0.86, "m-003": 0.72, "m-004": 0.55, "m-005": 0.97}
CURRENCIES = ("EUR", "USD", "GBP")
COUNTRIES = ("NL", "DE", "US", "FR", "GB", None)


@dataclass(frozen=True)
class Line:
    """One line of a landing file and the case it exercises."""

    text: str
    case: str


def iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class Sample:
    """The generated batches: `batches[i]` maps file name -> lines, in arrival order."""

    def __init__(self, seed=SEED, valid_events=240, second_valid_events=40):
        self.rng = random.Random(seed)
        self._next_id = 0
        self.batches = [self._first(valid_events), {}]
        self.batches[1] = self._second(second_valid_events)

    def _event(self, when, **overrides):
        self._next_id += 1
        merchant = self.rng.choice(sorted(MERCHANTS))
        roll = self.rng.random()
        status = "APPROVED" if roll < MERCHANTS[merchant] else ("REFUNDED" if roll > 0.985 else "DECLINED")
        event = {
            "event_id": f"evt-{self._next_id:05d}",
            "event_time": iso(when),
            "merchant_id": merchant,
            # Whole cents: the expected amounts need no rounding to agree with DECIMAL(18,2).
            "amount": self.rng.randint(100, 50000) / 100,
            "currency": self.rng.choice(CURRENCIES),
            "status": status,
            "card_country": self.rng.choice(COUNTRIES),
        }
        event.update(overrides)
        return event

    def _when(self, start, hours):
        return start + timedelta(seconds=self.rng.randint(0, int(hours * 3600)))

    @staticmethod
    def _line(event, case):
        return Line(json.dumps(event), case)

    def _first(self, count):
        valid = [self._event(self._when(START, 71)) for _ in range(count)]
        lines = [self._line(e, "valid") for e in valid]
        bad = [
            Line("this is not json", "malformed"),
            Line('{"event_id": "evt-broken-1", "amount": ', "malformed"),
            Line('{"event_id": "evt-broken-2" "status": "APPROVED"}', "malformed"),
            self._line(self._event(self._when(START, 71), amount="12,50"), "amount not a number"),
            self._line(self._event(self._when(START, 71), amount="ten"), "amount not a number"),
            self._line(self._event(self._when(START, 71), event_id=None), "missing event_id"),
            self._line(self._event(self._when(START, 71), event_id="   "), "blank event_id"),
            self._line(self._event(self._when(START, 71), event_time="yesterday"), "unparseable event_time"),
            self._line(self._event(self._when(START, 71), event_time="2026-13-45T99:00:00Z"), "unparseable event_time"),
            self._line(self._event(self._when(START, 71), event_time=""), "unparseable event_time"),
            self._line(self._event(self._when(START, 71), status="PENDING"), "unknown status"),
            self._line(self._event(self._when(START, 71), status="chargeback"), "unknown status"),
            self._line(self._event(self._when(START, 71), status=None), "missing status"),
            self._line(self._event(self._when(START, 71), status=""), "unknown status"),
            self._line(self._event(self._when(START, 71), amount=-25.0), "negative amount"),
            self._line(self._event(self._when(START, 71), amount=-0.01), "negative amount"),
            self._line(self._event(self._when(START, 71), amount=0), "zero amount"),
            self._line(self._event(self._when(START, 71), amount=-3.5, status="VOIDED"), "negative amount and unknown status"),
            self._line(self._event(START + timedelta(days=20), amount=-1.0), "invalid and dated weeks ahead"),
            self._line(self._event(self._when(START, 71), currency="EURO"), "odd currency (warned)"),
            self._line(self._event(self._when(START, 71), currency="\u20ac"), "odd currency (warned)"),
            self._line(self._event(self._when(START, 71), currency=" usd "), "lower-case currency"),
            self._line(self._event(self._when(START, 71), currency="gbp"), "lower-case currency"),
            self._line(self._event(START, event_time="2026-03-01T23:30:00-02:00"), "UTC offset crossing midnight"),
            self._line(self._event(START, event_time="2026-03-02T00:45:00+01:00"), "UTC offset crossing midnight"),
        ]
        redelivered = [self._line(e, "redelivered") for e in self.rng.sample(valid, 12)]
        renormalised = []
        for e in self.rng.sample(valid, 3):
            renormalised.append(
                self._line(
                    {**e, "event_id": f"  {e['event_id']} ", "status": e["status"].lower(), "currency": e["currency"].lower()},
                    "duplicate after normalisation",
                )
            )
        mixed = lines + bad + renormalised
        self.rng.shuffle(mixed)
        half = len(mixed) // 2
        return {"payments-0001.json": mixed[:half], "payments-0002.json": mixed[half:] + redelivered}

    def newest_valid_time(self, batch):
        """The latest event time among batch `batch`'s valid events (what the watermark follows)."""
        from expected import typed_rows, passes  # local import: expected.py imports this module

        rows = [r for r in typed_rows(self.lines(batch)) if passes(r)]
        return max(r["event_time"] for r in rows)

    def _second(self, count):
        newest = self.newest_valid_time(0)
        first_valid = [json.loads(l.text) for l in self.lines(0) if l.case == "valid"]
        lines = [self._line(self._event(self._when(newest - timedelta(hours=6), 30)), "valid") for _ in range(count)]
        lines += [self._line(self._event(newest - timedelta(hours=20, minutes=i)), "late, within the tolerated lateness") for i in range(3)]
        lines += [self._line(self._event(newest - timedelta(days=3, minutes=i)), "later than the tolerated lateness") for i in range(3)]
        recent = sorted(first_valid, key=lambda e: e["event_time"])[-2:]
        old = sorted(first_valid, key=lambda e: e["event_time"])[:2]
        lines += [self._line(e, "redelivered from batch 1") for e in recent + old]
        lines += [
            self._line(self._event(self._when(newest, 10), amount=-9.99), "negative amount"),
            self._line(self._event(self._when(newest, 10), status="UNKNOWN"), "unknown status"),
        ]
        self.rng.shuffle(lines)
        return {"payments-0003.json": lines}

    def lines(self, batch):
        return [line for lines in self.batches[batch].values() for line in lines]

    def write(self, batch, folder):
        """Writes batch `batch`'s files into the landing dataset folder; returns their paths."""
        import os

        os.makedirs(folder, exist_ok=True)
        paths = []
        for name, lines in self.batches[batch].items():
            path = os.path.join(folder, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join(line.text + "\n" for line in lines))
            paths.append(path)
        return paths
