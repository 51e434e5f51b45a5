"""The derived graphs of a store, recomputed after its articles change: the corpus entities
(kg.identity, in the identity graph), the quotation clusters (kg.clusters) and the summary graph of
corpus-wide counts that the saved queries read (`refresh`), and whether that summary is current
(`state`, what the queries check before reading it).

Each summary-backed saved query has three forms, side by side in tests/test_query_plans.py: the
saved query over the counts (`queries/NAME.rq`), the counting query here that fills them, and the
plain aggregate over the articles (`tests/data/reference-queries/NAME.rq`) they must equal.
"""
