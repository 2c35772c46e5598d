import pulumi

from omics_resources import ReadSetActivationJob, ReadSetActivationJobArgs

activation = ReadSetActivationJob("activate", ReadSetActivationJobArgs(
    sequence_store_id="1234567890", read_set_ids=["5555555555", "6666666666"]))
pulumi.export("activated", activation.read_set_statuses)
