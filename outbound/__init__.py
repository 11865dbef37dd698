"""Outbound mail: pure composers, templates, the reply policy and the SMTP adapter."""
