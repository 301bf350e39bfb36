"""Lakeflow declarative pipeline: payment events, bronze -> silver -> gold.

Bronze ingests the raw JSON files that land in the landing volume with Auto Loader, silver
cleans them and enforces expectations, gold aggregates per day and merchant. Every table is
published to its medallion schema by its fully qualified name; the catalog, the schemas and the
landing path come from the pipeline configuration (set by the Pulumi program), never from code.
"""
import dlt
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

spark = SparkSession.builder.getOrCreate()


def setting(name):
    """A value of the pipeline configuration (`lakehouse.<name>`); fails loudly when missing."""
    value = spark.conf.get(f"lakehouse.{name}", None)
    if not value:
        raise ValueError(f"pipeline configuration lakehouse.{name} is not set")
    return value


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


@dlt.table(
    name=f"{BRONZE}.payment_events_raw",
    comment="Raw payment events as they landed, one row per JSON record, with the source file.",
    table_properties={"quality": "bronze"},
)
def payment_events_raw():
    return (
        spark.readStream.format("cloudFiles")
        .option("cloudFiles.format", "json")
        .option("rescuedDataColumn", "_rescued_data")
        .schema(RAW_SCHEMA)
        .load(f"{LANDING}/{DATASET}")
        .withColumn("_source_file", F.col("_metadata.file_path"))
        .withColumn("_ingested_at", F.current_timestamp())
    )


@dlt.table(
    name=f"{SILVER}.payment_events",
    comment="Cleaned payment events: typed, normalised, deduplicated on event_id.",
    table_properties={"quality": "silver"},
)
@dlt.expect_all_or_drop(
    {
        "event_id_present": "event_id IS NOT NULL",
        "event_time_parsed": "event_time IS NOT NULL",
        "positive_amount": "amount > 0",
        "known_status": "status IN ('APPROVED', 'DECLINED', 'REFUNDED')",
    }
)
@dlt.expect("iso_currency", "currency RLIKE '^[A-Z]{3}$'")
@dlt.expect("no_rescued_data", "_rescued_data IS NULL")
def payment_events():
    return (
        spark.readStream.table(f"{BRONZE}.payment_events_raw")
        .select(
            F.trim("event_id").alias("event_id"),
            F.to_timestamp("event_time").alias("event_time"),
            F.trim("merchant_id").alias("merchant_id"),
            F.col("amount").cast("decimal(18,2)").alias("amount"),
            F.upper(F.trim("currency")).alias("currency"),
            F.upper(F.trim("status")).alias("status"),
            F.upper(F.trim("card_country")).alias("card_country"),
            "_rescued_data",
            "_source_file",
            "_ingested_at",
        )
        .withWatermark("event_time", "1 day")
        .dropDuplicatesWithinWatermark(["event_id"])
    )


@dlt.table(
    name=f"{GOLD}.payments_daily_summary",
    comment="Per day, merchant and currency: transactions, approvals, approval rate and approved amount.",
    table_properties={"quality": "gold"},
)
def payments_daily_summary():
    approved = F.col("status") == "APPROVED"
    return (
        spark.read.table(f"{SILVER}.payment_events")
        .groupBy(F.to_date("event_time").alias("event_date"), "merchant_id", "currency")
        .agg(
            F.count(F.lit(1)).alias("transactions"),
            F.sum(F.when(approved, 1).otherwise(0)).alias("approved"),
            F.sum(F.when(approved, F.col("amount")).otherwise(F.lit(0))).alias("approved_amount"),
        )
        .withColumn("approval_rate", F.round(F.col("approved") / F.col("transactions"), 4))
    )


@dlt.table(
    name=f"{GOLD}.merchant_approval_rates",
    comment="Per merchant over all time: transactions, approval rate and share of declines by card country.",
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
