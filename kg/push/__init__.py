"""push stage: the store into any SPARQL 1.1 server through the Graph Store HTTP Protocol."""

from kg.push.http import Retry
from kg.push.run import PushReport, push
from kg.push.target import PushError, PushTarget

__all__ = ["PushError", "PushReport", "PushTarget", "Retry", "push"]
