"""Renderers: turn library results into terminal tables, JSON, HTML and spreadsheets."""
