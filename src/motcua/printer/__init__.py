"""motcua: printer. Queue tickets on ESC/POS thermal printers, in Vietnamese.

- :mod:`motcua.printer.ticket`: :class:`~motcua.printer.ticket.TicketPrint` and the layout template;
- :mod:`motcua.printer.render`: ticket -> ESC/POS bytes (raster, tcvn3, cp1258);
- :mod:`motcua.printer.connections`: :class:`~motcua.printer.connections.PrinterLink` (serial, TCP,
  USB, file) and :func:`~motcua.printer.connections.open_link`;
- :mod:`motcua.printer.status`: real-time status (``DLE EOT``) -> :class:`~motcua.printer.status.PrinterStatus`;
- :mod:`motcua.printer.driver`: :class:`~motcua.printer.driver.TicketPrinter` (status, print, status);
- :mod:`motcua.printer.virtual`: the virtual printer twin (in-process, pty, TCP);
- :mod:`motcua.printer.cli`: ``motcua printer render|print|status|virtual``.

See docs/printing.md.
"""
