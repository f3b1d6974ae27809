"""infergate with the official Elasticsearch Python client (pip install 'elasticsearch>=8,<10').

Creates an OpenAI embedding endpoint and a completion endpoint, embeds two texts, and streams a completion through
client.perform_request, reading the server-sent events as they come.

    INFERGATE_URL=http://localhost:9200 OPENAI_API_KEY=sk-... python examples/python/inference.py

(Without an OpenAI account: `npm run mock:openai`, then start infergate with
INFERGATE_UPSTREAM_ORIGINS=openai=http://127.0.0.1:9400 — the mock accepts any key.)
"""

import json
import os

from elasticsearch import Elasticsearch

client = Elasticsearch(os.environ.get("INFERGATE_URL", "http://localhost:9200"))
api_key = os.environ["OPENAI_API_KEY"]

# Run again from scratch: remove the endpoints of an earlier run (none is a 404, ignored).
for inference_id in ("python-embeddings", "python-completion"):
    client.options(ignore_status=404).inference.delete(inference_id=inference_id)

client.inference.put(
    task_type="text_embedding",
    inference_id="python-embeddings",
    inference_config={
        "service": "openai",
        "service_settings": {"api_key": api_key, "model_id": "text-embedding-3-small", "dimensions": 8},
    },
)
embedded = client.inference.inference(
    task_type="text_embedding", inference_id="python-embeddings", input=["The sky above the port", "was the color of television"]
)
for item in embedded["text_embedding"]:
    print("embedding", item["embedding"])

client.inference.put(
    task_type="completion",
    inference_id="python-completion",
    inference_config={"service": "openai", "service_settings": {"api_key": api_key, "model_id": "gpt-4o-mini"}},
)


def server_sent_events(text):
    """The `data` of each event of a text/event-stream body, up to `[DONE]`."""
    for block in text.replace("\r\n", "\n").split("\n\n"):
        # Elasticsearch starts each event with a byte order mark (infergate too, byte for byte).
        lines = [line.lstrip("\ufeff") for line in block.split("\n")]
        data = "\n".join(line[len("data:"):].lstrip(" ") for line in lines if line.startswith("data:"))
        if data == "[DONE]":
            return
        if data:
            yield json.loads(data)


# The Python client has no method for the _stream APIs: perform_request sends the request with the client's
# headers, nodes and retries. Its transport reads a response whole, so the events arrive together when the stream
# ends; read the socket yourself (urllib3, httpx) to show tokens as they come.
response = client.perform_request(
    "POST",
    "/_inference/completion/python-completion/_stream",
    headers={"accept": "text/event-stream", "content-type": "application/json"},
    body={"input": "What is Elastic?"},
)
print("completion", "".join(delta["delta"] for event in server_sent_events(response.body) for delta in event["completion"]))
