"""The provincial web screen: overview of every centre, drill-down, month reports,
Decision 766 satisfaction indicators, exports, accounts and public results pages.

Built on :mod:`motcua.web`; reads the province schema that :mod:`motcua.province.store`
and :mod:`motcua.province.reports` fill. See docs/province-web.md.
"""
