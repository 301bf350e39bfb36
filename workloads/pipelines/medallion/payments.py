"""Declarative pipeline: payment events, bronze -> silver -> gold.

Bronze ingests the raw JSON files that land in the landing volume, silver types and cleans them,
enforces the expectations and deduplicates on event_id, gold aggregates per day and merchant.
Rows that break an expectation are also kept, with the names of the expectations they broke, in
a quarantine table next to silver, so a reader can see what was dropped and why. Every table is
published by its fully qualified name; the catalog, the schemas and the landing path come from
the pipeline configuration (set by the Pulumi program), never from code.

The same file runs on two runtimes, chosen by the `lakehouse.runtime` configuration value:

- `databricks` (the default, and what the Pulumi program sets): Lakeflow Declarative Pipelines.
  The landing folder is read with Auto Loader and the expectations are Databricks' decorators,
  so their pass/drop counts appear in the pipeline's event log.
- `spark`: open-source Spark Declarative Pipelines (Apache Spark 4.1+, `spark-pipelines`), used
  by the local workload tests. Open-source Spark has neither Auto Loader nor expectation
  decorators, so the landing folder is read with Spark's file stream source and the dropping
  expectations become an explicit filter over the very same constraint strings.

Everything else (typing, deduplication, quarantine, gold) is one code path for both.
"""
import functools

from pyspark import pipelines as dp
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

spark = SparkSession.builder.getOrCreate()

RUNTIMES = ("databricks", "spark")


def setting(name, default=None):
    """A value of the pipeline configuration (`lakehouse.<name>`); fails loudly when missing."""
    value = spark.conf.get(f"lakehouse.{name}", None) or default
    if not value:
        raise ValueError(f"pipeline configuration lakehouse.{name} is not set")
    return value


RUNTIME = setting("runtime", "databricks")
if RUNTIME not in RUNTIMES:
    raise ValueError(f"pipeline configuration lakehouse.runtime is {RUNTIME!r}; allowed: {', '.join(RUNTIMES)}")

CATALOG = setting("catalog")
BRONZE = f"{CATALOG}.{setting('bronze_schema')}"
SILVER = f"{CATALOG}.{setting('silver_schema')}"
GOLD = f"{CATALOG}.{setting('gold_schema')}"
LANDING = setting("landing_path").rstrip("/")

# The dataset folder under the landing volume; the job's prepare step creates it.
DATASET = "payments"

RAW_SCHEMA = StructType(
    [
        StructField("event_id", StringType()),
        StructField("event_time", StringType()),
        StructField("merchant_id", StringType()),
        StructField("amount", DoubleType()),
        StructField("currency", StringType()),
        StructField("status", StringType()),
        StructField("card_country", StringType()),
    ]
)

KNOWN_STATUSES = ("APPROVED", "DECLINED", "REFUNDED")

# A row is valid when the constraint is TRUE. Each constraint guards its own NULLs, so it is
# TRUE or FALSE for every row and both runtimes agree on what a NULL means.
DROP_EXPECTATIONS = {
    "event_id_present": "event_id IS NOT NULL",
    "event_time_parsed": "event_time IS NOT NULL",
    "positive_amount": "amount IS NOT NULL AND amount > 0",
    "known_status": "status IS NOT NULL AND status IN (" + ", ".join(f"'{s}'" for s in KNOWN_STATUSES) + ")",
}
# Kept in silver but counted (Databricks) and recorded in the quarantine table (both runtimes).
WARN_EXPECTATIONS = {
    "iso_currency": "currency IS NOT NULL AND currency RLIKE '^[A-Z]{3}$'",
    "no_rescued_data": "_rescued_data IS NULL",
}

# Events later than this behind the newest event seen are dropped by silver's deduplication
# (its state has to end somewhere); within it, a redelivered event_id is dropped as a duplicate.
LATENESS = "1 day"


def holds(constraint):
    """The constraint as a column that is never NULL: a NULL result counts as a violation."""
    return F.coalesce(F.expr(constraint), F.lit(False))


def landing_stream():
    """The raw JSON records of the landing folder as a stream, with `_rescued_data`.

    Auto Loader puts what it could not fit into the schema in the rescued-data column. Spark's
    own JSON reader has no rescued-data column; its corrupt-record column, under the same name,
    holds the whole raw line instead whenever a record is malformed or a field has the wrong type.
    """
    path = f"{LANDING}/{DATASET}"
    if RUNTIME == "databricks":
        reader = (
            spark.readStream.format("cloudFiles")
            .option("cloudFiles.format", "json")
            .option("rescuedDataColumn", "_rescued_data")
            .schema(RAW_SCHEMA)
        )
    else:
        reader = (
            spark.readStream.format("json")
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", "_rescued_data")
            .schema(StructType(RAW_SCHEMA.fields + [StructField("_rescued_data", StringType())]))
        )
    return reader.load(path)


def expectations(drop, warn):
    """Decorator: drop rows that break `drop`, count those that break `warn`.

    On Databricks these are the pipeline's expectation decorators. Open-source Spark has none,
    so there the dropping constraints become a filter; warnings then only reach the quarantine
    table, which records every broken expectation on both runtimes.
    """

    def apply(query):
        if RUNTIME == "databricks":
            return dp.expect_all(warn)(dp.expect_all_or_drop(drop)(query))

        @functools.wraps(query)
        def filtered():
            keep = F.lit(True)
            for constraint in drop.values():
                keep = keep & holds(constraint)
            return query().where(keep)

        return filtered

    return apply


@dp.table(
    name=f"{BRONZE}.payment_events_raw",
    comment="Raw payment events as they landed, one row per JSON record, with the source file.",
    table_properties={"quality": "bronze"},
)
def payment_events_raw():
    return landing_stream().select(
        "*", F.col("_metadata.file_path").alias("_source_file"), F.current_timestamp().alias("_ingested_at")
    )


@dp.temporary_view(
    name="payment_events_typed",
    comment="Bronze typed and normalised; unparseable values become NULL for the expectations to catch.",
)
def payment_events_typed():
    return spark.readStream.table(f"{BRONZE}.payment_events_raw").select(
        F.nullif(F.trim("event_id"), F.lit("")).alias("event_id"),
        # try_*: a value that does not parse is a data-quality finding, not a failed update.
        F.try_to_timestamp(F.col("event_time")).alias("event_time"),
        F.nullif(F.trim("merchant_id"), F.lit("")).alias("merchant_id"),
        F.expr("try_cast(amount AS DECIMAL(18,2))").alias("amount"),
        F.upper(F.trim("currency")).alias("currency"),
        F.upper(F.trim("status")).alias("status"),
        F.upper(F.trim("card_country")).alias("card_country"),
        "_rescued_data",
        "_source_file",
        "_ingested_at",
    )


@dp.temporary_view(name="payment_events_valid", comment="Typed events that meet every dropping expectation.")
@expectations(DROP_EXPECTATIONS, WARN_EXPECTATIONS)
def payment_events_valid():
    # The expectations sit before deduplication, so a malformed copy of an event can never
    # win over its valid copy, and rows without an event_id or event_time never reach the
    # deduplication state at all.
    return spark.readStream.table("payment_events_typed")


@dp.table(
    name=f"{SILVER}.payment_events",
    comment="Cleaned payment events: typed, normalised, expectations met, deduplicated on event_id.",
    table_properties={"quality": "silver"},
)
def payment_events():
    # The SQL WATERMARK clause, not DataFrame.withWatermark: open-source Spark plans
    # withWatermark eagerly over Spark Connect, before the pipeline has created its input,
    # so the flow would fail to register; the clause is resolved with the rest of the flow.
    return spark.sql(
        f"SELECT * FROM STREAM payment_events_valid WATERMARK event_time DELAY OF INTERVAL {LATENESS}"
    ).dropDuplicatesWithinWatermark(["event_id"])


@dp.table(
    name=f"{SILVER}.payment_events_quarantine",
    comment="Every typed event that broke an expectation, with the expectations it broke and whether it was dropped.",
    table_properties={"quality": "silver"},
)
def payment_events_quarantine():
    def broken(rules):
        return F.filter(F.array(*[F.when(~holds(c), F.lit(name)) for name, c in rules.items()]), lambda n: n.isNotNull())

    return (
        spark.readStream.table("payment_events_typed")
        .select("*", broken(DROP_EXPECTATIONS).alias("dropped_by"), broken(WARN_EXPECTATIONS).alias("warned_by"))
        .where((F.size("dropped_by") > 0) | (F.size("warned_by") > 0))
        .select("*", (F.size("dropped_by") > 0).alias("dropped"))
    )


@dp.materialized_view(
    name=f"{GOLD}.payments_daily_summary",
    comment="Per day, merchant and currency: transactions, approvals, approval rate and approved amount.",
    table_properties={"quality": "gold"},
)
def payments_daily_summary():
    approved = F.col("status") == "APPROVED"
    # select, not withColumn, over another dataset of the pipeline: open-source Spark plans
    # withColumn eagerly over Spark Connect, resolving the input to the table already in the
    # catalog, so the pipeline no longer sees the dependency and refreshes gold before silver.
    return (
        spark.read.table(f"{SILVER}.payment_events")
        .groupBy(F.to_date("event_time").alias("event_date"), "merchant_id", "currency")
        .agg(
            F.count(F.lit(1)).alias("transactions"),
            F.sum(F.when(approved, 1).otherwise(0)).alias("approved"),
            F.sum(F.when(approved, F.col("amount")).otherwise(F.lit(0))).alias("approved_amount"),
        )
        .select("*", F.round(F.col("approved") / F.col("transactions"), 4).alias("approval_rate"))
    )


@dp.materialized_view(
    name=f"{GOLD}.merchant_approval_rates",
    comment="Per merchant over all time: transactions, approval rate, distinct card countries and the latest event time.",
    table_properties={"quality": "gold"},
)
def merchant_approval_rates():
    return (
        spark.read.table(f"{SILVER}.payment_events")
        .groupBy("merchant_id")
        .agg(
            F.count(F.lit(1)).alias("transactions"),
            F.avg(F.when(F.col("status") == "APPROVED", 1.0).otherwise(0.0)).alias("approval_rate"),
            F.countDistinct("card_country").alias("card_countries"),
            F.max("event_time").alias("last_event_time"),
        )
    )
