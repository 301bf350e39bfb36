"""A local Spark with a Spark Connect endpoint on loopback.

Spark Declarative Pipelines run over Spark Connect, and the job's tasks connect the same way a
Databricks task gets its session. One server in the test process means one catalog for all of
them: the tables a pipeline update writes are the tables a task, the gold views and the
tests' own session then read. The catalog is Spark's in-memory one, so nothing outlives it.
"""
import os
import socket
import uuid

from pyspark.sql import SparkSession

# Settings that keep a tiny local run fast and its results comparable with Databricks.
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # Databricks computes in UTC unless told otherwise; gold's event_date depends on it.
    "spark.sql.session.timeZone": "UTC",
    # A few hundred sample rows do not need 200 shuffle partitions (most of the run time otherwise).
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalSpark:
    """Starts the server on construction; `session` is the classic session of this process."""

    def __init__(self, root, cores=2, driver_memory="2g"):
        self.port = free_port()
        self.token = str(uuid.uuid4())
        builder = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName("lakehouse-workloads")
            .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
            .config("spark.connect.grpc.binding.address", "127.0.0.1")
            .config("spark.connect.grpc.binding.port", str(self.port))
            .config("spark.connect.authenticate.token", self.token)
            .config("spark.driver.memory", driver_memory)
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.warehouse.dir", os.path.join(root, "warehouse"))
        )
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
        self.session = builder.getOrCreate()
        self.session.sparkContext.setLogLevel("ERROR")
        # Every client that stops its session (each pipeline update does) makes the server log
        # a stack trace for the release it can no longer match: noise, not a failure.
        jvm = self.session.sparkContext._jvm
        jvm.org.apache.logging.log4j.core.config.Configurator.setLevel(
            "org.apache.spark.sql.connect.utils.ErrorUtils", jvm.org.apache.logging.log4j.Level.OFF
        )

    def env(self):
        """Environment of a subprocess that should use this Spark (pipeline CLI, job tasks)."""
        env = dict(os.environ)
        # "localhost": with a token, the client insists on TLS for any other host name.
        env["SPARK_REMOTE"] = f"sc://localhost:{self.port}"
        env["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = self.token
        env.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")
        return env

    def stop(self):
        self.session.stop()
