import boto3
import botocore.config

from omics_resources.emulator import Durations, EmulatorServer

with EmulatorServer(port=0, durations=Durations(speed=0.1)) as emulator:
    omics = boto3.client("omics", endpoint_url=emulator.url, region_name="us-east-1",
                         config=botocore.config.Config(inject_host_prefix=False))
    s3 = boto3.client("s3", endpoint_url=emulator.url, region_name="us-east-1")
    store = omics.create_sequence_store(name="scratch")["id"]
    s3.create_bucket(Bucket="scratch-sources")
    print(f"emulator at {emulator.url}: sequence store {store}")
