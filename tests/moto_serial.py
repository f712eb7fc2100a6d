"""moto's DynamoDB-compatible server, answering one request at a time.

`moto_server` serves requests on many threads, and moto applies a
TransactWriteItems without isolation from concurrent requests: in our
contract suite three of twenty concurrent redemptions of one study card
succeeded. DynamoDB itself serialises conflicting transactions, so the tests
run moto's own application on a single-threaded server instead.

Usage: python3 moto_serial.py PORT
"""

import sys

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

port = int(sys.argv[1])
run_simple("127.0.0.1", port, DomainDispatcherApplication(create_backend_app), threaded=False)
