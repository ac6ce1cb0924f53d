"""motcua: printer. Queue tickets on ESC/POS thermal printers, in Vietnamese.

- :mod:`printer.ticket`: :class:`~printer.ticket.TicketPrint` and the layout template;
- :mod:`printer.render`: ticket -> ESC/POS bytes (raster, tcvn3, cp1258);
- :mod:`printer.connections`: :class:`~printer.connections.PrinterLink` (serial, TCP,
  USB, file) and :func:`~printer.connections.open_link`;
- :mod:`printer.status`: real-time status (``DLE EOT``) -> :class:`~printer.status.PrinterStatus`;
- :mod:`printer.driver`: :class:`~printer.driver.TicketPrinter` (status, print, status);
- :mod:`printer.virtual`: the virtual printer twin (in-process, pty, TCP);
- :mod:`printer.cli`: ``motcua printer render|print|status|virtual``.

See docs/printing.md.
"""
