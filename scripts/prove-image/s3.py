"""The bucket side of scripts/prove-image.sh, with boto3 (installed with moto).

    s3.py ENDPOINT fresh BUCKET                 create BUCKET, emptied if it exists
    s3.py ENDPOINT upload BUCKET DIR PREFIX     put every file under DIR at PREFIX/<relative path>
    s3.py ENDPOINT count BUCKET PREFIX          print how many keys start with PREFIX
    s3.py ENDPOINT latest BUCKET DATASET FILE   put FILE as the export's latest file: stamped at the
                                                newest slot of its schedule (every 20 min, 06:00-20:40
                                                EAT) at or before now; print the key

The local server accepts any credentials; these are throwaway placeholders.
"""
import datetime
import os
import sys

import boto3


def client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="prove-image", aws_secret_access_key="prove-image")


def keys(s3, bucket, prefix):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def latest_slot_stamp(now=None):
    """The newest upstream export slot at or before now, as a change-key stamp (EAT)."""
    eat = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone(datetime.timedelta(hours=3)))
    minute = eat.hour * 60 + eat.minute
    day = eat.replace(hour=0, minute=0, second=0, microsecond=0)
    if minute < 6 * 60:
        day, minute = day - datetime.timedelta(days=1), 20 * 60 + 40
    slot = 6 * 60 + (min(minute, 20 * 60 + 40) - 6 * 60) // 20 * 20
    return (day + datetime.timedelta(minutes=slot)).strftime("%Y-%m-%dT%H-%M-%S")


def main(endpoint, command, *args):
    s3 = client(endpoint)
    if command == "fresh":
        (bucket,) = args
        try:
            for key in list(keys(s3, bucket, "")):
                s3.delete_object(Bucket=bucket, Key=key)
        except s3.exceptions.NoSuchBucket:
            s3.create_bucket(Bucket=bucket)
    elif command == "upload":
        bucket, folder, prefix = args
        count = 0
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                path = os.path.join(root, name)
                key = prefix.rstrip("/") + "/" + os.path.relpath(path, folder)
                s3.upload_file(path, bucket, key)
                count += 1
        print(count)
    elif command == "count":
        bucket, prefix = args
        print(sum(1 for _ in keys(s3, bucket, prefix)))
    elif command == "latest":
        bucket, dataset, path = args
        key = f"automations/{dataset}/changes/{latest_slot_stamp()}.csv"
        s3.upload_file(path, bucket, key)
        print(key)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
