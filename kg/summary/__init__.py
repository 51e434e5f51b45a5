"""The derived graphs of a store, recomputed after its articles change: the corpus entities
(kg.identity, in the identity graph), the quotation clusters (kg.clusters) and the summary graph of
corpus-wide counts that the saved queries read (`refresh`), and whether that summary is current
(`state`, what the queries check before reading it).

Each summary-backed saved query has its forms side by side in `queries/`: the saved query over the
counts (`queries/NAME.rq`, with an Oxigraph-only form in `queries/oxigraph/NAME.rq` for some), the
counting query that fills them (`queries/summary/NAME.rq`, loaded by `queries`), and the plain
aggregate over the articles they must equal (`queries/plain/NAME.rq`; tests/test_query_plans.py
compares them).
"""
