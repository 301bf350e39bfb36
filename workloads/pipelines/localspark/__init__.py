"""Runs the deployed workload code on a local, open-source Spark.

The pipeline source, the job's task files and the gold views SQL are the files the Pulumi
program uploads, run unchanged: only their inputs are mapped from the deployed configuration
(read from the offline plan) to local equivalents: Unity Catalog's catalog to Spark's session
catalog, each schema to a local database of the same name, volume paths to folders.
"""
