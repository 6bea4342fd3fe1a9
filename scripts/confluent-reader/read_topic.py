"""Reads a topic written with --format avro|protobuf|json-schema the way a Confluent client does:
confluent-kafka's Consumer and its Schema Registry deserializers (AvroDeserializer,
ProtobufDeserializer, JSONDeserializer), looking each record's schema up by the id it carries.
Prints one JSON line per record: {"partition", "offset", "key", "value"} with the decoded value as
the deserializer gives it (Protobuf as MessageToDict with the .proto field names).

usage: read_topic.py --bootstrap HOST:PORT --topic NAME --registry URL --format FORMAT [--proto FILE]
The Protobuf class is generated from --proto (schema/event.proto) with grpcio-tools' protoc.
A registry with basic auth: SCHEMA_REGISTRY_USER_INFO=user:password in the environment.
"""

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext


def protobuf_class(proto_file):
    """The Event message class of proto_file, made by protoc into a temporary module."""
    from grpc_tools import protoc

    out = tempfile.mkdtemp(prefix="ubp-proto-")
    folder, name = os.path.split(os.path.abspath(proto_file))
    code = protoc.main(["protoc", f"-I{folder}", f"--python_out={out}", name])
    if code != 0:
        sys.exit(f"protoc failed on {proto_file} (exit {code})")
    sys.path.insert(0, out)
    try:
        module = importlib.import_module(name[: -len(".proto")] + "_pb2")
    finally:
        # The module is loaded: its generated file is not needed any more.
        shutil.rmtree(out, ignore_errors=True)
    return module.Event


def deserializer(fmt, registry, proto_file):
    if fmt == "avro":
        from confluent_kafka.schema_registry.avro import AvroDeserializer

        return AvroDeserializer(registry), lambda v: v
    if fmt == "protobuf":
        from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
        from google.protobuf.json_format import MessageToDict

        d = ProtobufDeserializer(protobuf_class(proto_file), {"use.deprecated.format": False})
        return d, lambda m: MessageToDict(m, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
    if fmt == "json-schema":
        from confluent_kafka.schema_registry.json_schema import JSONDeserializer

        return JSONDeserializer(None, schema_registry_client=registry), lambda v: v
    sys.exit(f"--format must be avro, protobuf or json-schema (got {fmt})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--format", required=True)
    parser.add_argument("--proto")
    args = parser.parse_args()

    conf = {"url": args.registry}
    if os.environ.get("SCHEMA_REGISTRY_USER_INFO"):
        conf["basic.auth.user.info"] = os.environ["SCHEMA_REGISTRY_USER_INFO"]
    registry = SchemaRegistryClient(conf)
    deserialize, to_plain = deserializer(args.format, registry, args.proto)
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "ubp-confluent-reader", "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(args.topic, timeout=30).topics[args.topic].partitions
        ends = {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=30)
            if high > low:
                ends[p] = high
        # Assigned, not subscribed: a one-shot read needs no group rebalance.
        consumer.assign([TopicPartition(args.topic, p, 0) for p in ends])
        while ends:
            msg = consumer.poll(10)
            if msg is None:
                sys.exit(f"no record for 10 s with partitions {sorted(ends)} unfinished")
            if msg.error():
                sys.exit(f"consumer error: {msg.error()}")
            ctx = SerializationContext(msg.topic(), MessageField.VALUE, msg.headers())
            value = to_plain(deserialize(msg.value(), ctx))
            key = msg.key().decode("utf-8") if msg.key() is not None else None
            print(json.dumps({"partition": msg.partition(), "offset": msg.offset(), "key": key, "value": value}))
            if msg.offset() + 1 >= ends.get(msg.partition(), 0):
                ends.pop(msg.partition(), None)
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
